// The inbox's list of conversations: pages from the hub under the current filters, then kept
// true by live frames (a conversation moves where the order says, or leaves when the filters
// no longer take it), and the alert when one of mine gets a patient message.
import type { InboxEntry, InboxItem } from '../../protocol/inbox.js';
import type { Emitter } from '../core/emitter.js';
import type { InboxApi, InboxFilters } from './inbox-api.js';
import type { InboxEventMap } from './inbox-state.js';
import { compareEntries, entryOf, isMine, matches, type Me } from './inbox-rules.js';
import type { Guard, InboxStore } from './inbox-store.js';

export class InboxListing {
  private next?: string;
  /** Increments per page load, so an older answer never replaces a newer one. */
  private _callId = 0;
  /** Conversations live frames touched while a page was on its way: the page may predate them. */
  private touched?: Set<string>;
  /** The teams I am in (they decide My Inbox). */
  myLists = new Set<string>();

  constructor(
    private readonly api: InboxApi,
    private readonly store: InboxStore,
    private readonly guard: Guard,
    private readonly events: Emitter<InboxEventMap>,
    private readonly pageSize?: number,
  ) {}

  /** The filters the current view, toggles and search stand for. */
  get filters(): InboxFilters {
    const { view, unreadOnly, unrespondedOnly, query, location } = this.store.state;
    return {
      ...(view === 'closed' && { status: 'closed' as const }),
      ...(view === 'mine' && { mine: true }),
      ...(view === 'unassigned' && { unassigned: true }),
      ...(view === 'mentions' && { mentions: true }),
      ...(typeof view === 'object' && { list: view.list }),
      ...(unreadOnly && { unread: true }),
      ...(unrespondedOnly && { unresponded: true }),
      ...(query && { q: query }),
      ...(location && { location }),
    };
  }

  async reload(): Promise<void> {
    const call = ++this._callId;
    this.next = undefined;
    this.touched = new Set();
    this.store.set({ loading: true });
    await this.guard(async () => {
      const page = await this.api.page(this.filters, undefined, this.pageSize);
      if (call !== this._callId) return;
      this.next = page.next;
      const selected = this.store.state.selected;
      const open = selected && page.conversations.find((c) => c.id === selected.id);
      this.store.set({ items: page.conversations, more: Boolean(page.next), snippets: page.snippets ?? {}, ...(open && { selected: open }) });
      // A change that came live while the page was on its way may be missing from it: ask again.
      const touched = [...(this.touched ?? [])];
      this.touched = undefined;
      for (const id of touched) void this.fetchInto(id);
    });
    if (call === this._callId) this.store.set({ loading: false });
  }

  async loadMore(): Promise<void> {
    const s = this.store.state;
    if (!this.next || s.loading) return;
    const call = this._callId;
    this.store.set({ loading: true });
    await this.guard(async () => {
      const page = await this.api.page(this.filters, this.next, this.pageSize);
      if (call !== this._callId) return;
      this.next = page.next;
      const { items, snippets } = this.store.state;
      const known = new Set(items.map((i) => i.id));
      this.store.set({
        items: [...items, ...page.conversations.filter((c) => !known.has(c.id))],
        more: Boolean(page.next),
        snippets: { ...snippets, ...page.snippets },
      });
    });
    if (call === this._callId) this.store.set({ loading: false });
  }

  /** A live frame named this conversation: a page on its way may predate it. */
  touch(id: string): void {
    this.touched?.add(id);
  }

  /** A conversation changed for everyone (the hub's `inbox` frame). */
  onItem(item: InboxItem): void {
    const previous = this.find(item.id);
    const me = this.me();
    if (!previous) {
      // Not loaded, so my read state of it is unknown here: ask for the whole entry, unless the
      // shared state alone already keeps it out of this list.
      const unknownMark = entryOf(item, { readSeq: 0, markedUnread: false, mentions: 0 });
      if (me && matches(unknownMark, { ...this.filters, unread: false, mentions: false }, me) === false && !this.alertsMe(item, me)) return;
      void this.fetchInto(item.id);
      return;
    }
    const entry = entryOf(item, previous.mark);
    if (me && entry.lastInboundSeq > previous.lastInboundSeq && entry.lastAuthor === 'patient' && this.alertsMe(entry, me)) {
      this.events.emit('mine-message', { conversation: entry });
    }
    this.upsert(entry);
  }

  /** My own marks of a conversation changed (read, unread, mentions). */
  onMark(id: string, mark: InboxEntry['mark']): void {
    const current = this.find(id);
    if (current) this.upsert(entryOf(current, mark));
    else void this.fetchInto(id);
  }

  async fetchInto(id: string): Promise<void> {
    try {
      const entry = await this.api.conversation(id);
      const me = this.me();
      if (me && !this.find(id) && entry.lastAuthor === 'patient' && this.alertsMe(entry, me) && entry.unread) {
        this.events.emit('mine-message', { conversation: entry });
      }
      this.upsert(entry);
    } catch {
      // Gone or not ours: nothing to show.
    }
  }

  /** Puts a conversation where the filters and the order say, or takes it out of the list. */
  upsert(entry: InboxEntry): void {
    const s = this.store.state;
    const me = this.me();
    const fits = me ? matches(entry, this.filters, me) : undefined;
    const present = s.items.some((i) => i.id === entry.id);
    let items = s.items.filter((i) => i.id !== entry.id);
    // The conversation in view stays listed until the person leaves it.
    const keep = fits === true || (fits === undefined && present) || s.selected?.id === entry.id;
    if (keep) {
      const last = items.at(-1);
      // Past the last loaded row of a paged list, it belongs to a page not loaded yet.
      if (present || !s.more || !last || compareEntries(entry, last) < 0) {
        items = [...items, entry].sort(compareEntries);
      }
    }
    const selected = s.selected?.id === entry.id ? entry : s.selected;
    this.store.set({ items, selected });
  }

  find(id: string): InboxEntry | undefined {
    const s = this.store.state;
    return s.items.find((i) => i.id === id) ?? (s.selected?.id === id ? s.selected : undefined);
  }

  /** My Inbox alerts me; so does Unassigned when an admin said I am told about it. */
  private alertsMe(item: Pick<InboxItem, 'assignee'>, me: Me): boolean {
    return isMine(item, me) || (item.assignee === null && this.store.state.me?.notifyUnassigned === true);
  }

  private me(): Me | undefined {
    const me = this.store.state.me;
    return me ? { id: me.id, lists: this.myLists } : undefined;
  }
}
