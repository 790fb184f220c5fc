// The shared inbox's state without a DOM: the filtered list of conversations (paged from the
// hub, then kept true by live frames), the counts per filter, the directory of staff and lists,
// the conversation in view with its notes and who else is viewing it, and the actions. The
// chat itself (messages, receipts, sending) stays in the ChatCore that shares the socket.
import { nanoid } from 'nanoid';
import type { Frame, OutgoingFrame } from '../../protocol/index.js';
import type { DirectoryResponse, InboxCountsResponse, InboxEntry, InboxItem, MentionTarget, Note, SettingsResponse } from '../../protocol/inbox.js';
import { Emitter } from '../core/emitter.js';
import { InboxApi, InboxApiError, type Assignee, type InboxFilters, type MentionEntry } from './inbox-api.js';
import { compareEntries, entryOf, isMine, matches, type Me } from './inbox-rules.js';

/** The lists a staff member picks from: each is a set of filters the hub answers. */
export type InboxView = 'all' | 'mine' | 'unassigned' | 'mentions' | 'closed' | { list: string };

export interface Viewer {
  id: string;
  name: string;
}

export interface InboxState {
  /** The directory and the first page have loaded. */
  readonly ready: boolean;
  readonly loading: boolean;
  readonly me?: DirectoryResponse['me'];
  readonly staff: DirectoryResponse['staff'];
  readonly lists: DirectoryResponse['lists'];
  readonly locations: DirectoryResponse['locations'];
  /** Only patients of this location (with any view); undefined: every location. */
  readonly location?: string;
  readonly view: InboxView;
  /** Narrowing within the view. */
  readonly unreadOnly: boolean;
  readonly unrespondedOnly: boolean;
  readonly query: string;
  readonly items: readonly InboxEntry[];
  /** More pages after `items`. */
  readonly more: boolean;
  /** Search hits: a snippet per conversation with `«` `»` around the matches. */
  readonly snippets: Readonly<Record<string, string>>;
  readonly counts?: InboxCountsResponse;
  /** The conversation in view. */
  readonly selected: InboxEntry | null;
  readonly notes: readonly Note[];
  /** Other staff viewing each conversation now. */
  readonly viewers: Readonly<Record<string, readonly Viewer[]>>;
  readonly mentions: readonly MentionEntry[];
  /** Admins, while the settings panel is open: teams, members, who is told about Unassigned. */
  readonly settings?: SettingsResponse;
  /** The last thing that went wrong, in words for the person (a refused claim, an unreachable hub). */
  readonly problem?: string;
}

export interface InboxEventMap {
  /** A conversation in My Inbox (or, for whoever is told about them, an Unassigned one) got a new patient message. */
  'mine-message': { conversation: InboxEntry };
  /** Someone mentioned me in a note. */
  mention: { note: Note; conversation?: InboxEntry };
  error: { code: string; message: string };
}

/** The socket the inbox shares with the chat: its frames, and a way to send one. */
export interface InboxSocket {
  listen(listener: (frame: Frame) => void): () => void;
  send(frame: OutgoingFrame): boolean;
  catchUp(thread: string): void;
}

export interface InboxCoreOptions {
  api: InboxApi;
  socket: InboxSocket;
  pageSize?: number;
  /** How long live changes gather before the counts are asked again. */
  countsDelayMs?: number;
}

const EMPTY: InboxState = {
  ready: false,
  loading: false,
  staff: [],
  lists: [],
  locations: [],
  view: 'all',
  unreadOnly: false,
  unrespondedOnly: false,
  query: '',
  items: [],
  more: false,
  snippets: {},
  selected: null,
  notes: [],
  viewers: {},
  mentions: [],
};

/**
 * The shared inbox of one staff member.
 *
 * @example
 * const inbox = new InboxCore({ api: new InboxApi({ base, getToken }), socket: hubTransport });
 * inbox.subscribe((state) => render(state));
 * await inbox.start();
 * await inbox.setView('mine');
 * await inbox.select(inbox.state.items[0].id);
 * await inbox.claim();
 */
export class InboxCore {
  readonly events = new Emitter<InboxEventMap>();
  private s: InboxState = EMPTY;
  private readonly listeners = new Set<(state: InboxState) => void>();
  private next?: string;
  private off?: () => void;
  private countsTimer?: ReturnType<typeof setTimeout>;
  /** Increments per page load, so an older answer never replaces a newer one. */
  private _callId = 0;
  /** Increments per `select`, so a slow answer for a conversation already left is dropped. */
  private _selectId = 0;
  /** Conversations live frames touched while a page was on its way: the page may predate them. */
  private touched?: Set<string>;
  private stopped = false;
  /** The current socket session has had its first `synced`. */
  private sessionSynced = false;
  private myLists = new Set<string>();

  /** Follows the socket's frames from here on: build it before the socket connects, so nothing said at connect is missed. */
  constructor(private readonly opts: InboxCoreOptions) {
    this.off = opts.socket.listen((frame) => this.onFrame(frame));
  }

  get state(): InboxState {
    return this.s;
  }

  subscribe(listener: (state: InboxState) => void): () => void {
    this.listeners.add(listener);
    listener(this.s);
    return () => this.listeners.delete(listener);
  }

  /** Loads the directory, the first page, the counts and my mentions, then follows the live frames. */
  async start(): Promise<void> {
    this.off ??= this.opts.socket.listen((frame) => this.onFrame(frame));
    this.stopped = false;
    await this.guard(async () => {
      await this.loadDirectory();
      await Promise.all([this.reload(), this.refreshCounts(), this.refreshMentions()]);
      this.set({ ready: true });
    });
  }

  private async loadDirectory(): Promise<void> {
    const directory = await this.opts.api.directory();
    this.myLists = new Set(directory.lists.filter((l) => l.members.includes(directory.me.id)).map((l) => l.id));
    const view = this.s.view;
    // A team that is gone is no view any more.
    const stale = typeof view === 'object' && !directory.lists.some((l) => l.id === view.list);
    const goneLocation = this.s.location !== undefined && !directory.locations.some((l) => l.id === this.s.location);
    this.set({
      me: directory.me,
      staff: directory.staff,
      lists: directory.lists,
      locations: directory.locations ?? [],
      ...(stale && { view: 'all' as const }),
      ...(goneLocation && { location: undefined }),
    });
  }

  // ---- settings (admins) --------------------------------------------------------------------

  /** Loads the settings panel's data (admins; others are told no). */
  async openSettings(): Promise<void> {
    await this.guard(async () => this.set({ settings: await this.opts.api.settings() }));
  }

  closeSettings(): void {
    this.set({ settings: undefined });
  }

  createList(name: string): Promise<void> {
    return this.setting(() => this.opts.api.createList(name));
  }

  deleteList(id: string): Promise<void> {
    return this.setting(() => this.opts.api.deleteList(id));
  }

  setMember(listId: string, staffId: string, member: boolean): Promise<void> {
    return this.setting(() => this.opts.api.setMember(listId, staffId, member));
  }

  setNotifyUnassigned(staffId: string, on: boolean): Promise<void> {
    return this.setting(() => this.opts.api.setNotifyUnassigned(staffId, on));
  }

  private async setting(run: () => Promise<unknown>): Promise<void> {
    await this.guard(async () => {
      await run();
      this.set({ settings: await this.opts.api.settings() });
    });
  }

  stop(): void {
    this.stopped = true;
    this.off?.();
    this.off = undefined;
    clearTimeout(this.countsTimer);
    if (this.s.selected) this.opts.socket.send({ type: 'viewing', conversation: this.s.selected.id, active: false });
  }

  // ---- what the list shows ------------------------------------------------------------------

  setView(view: InboxView): Promise<void> {
    this.set({ view });
    return this.reload();
  }

  setUnreadOnly(on: boolean): Promise<void> {
    this.set({ unreadOnly: on });
    return this.reload();
  }

  setUnrespondedOnly(on: boolean): Promise<void> {
    this.set({ unrespondedOnly: on });
    return this.reload();
  }

  setLocation(location: string | undefined): Promise<void> {
    this.set({ location });
    return this.reload();
  }

  search(query: string): Promise<void> {
    this.set({ query: query.trim() });
    return this.reload();
  }

  /** The filters the current view, toggles and search stand for. */
  get filters(): InboxFilters {
    const { view, unreadOnly, unrespondedOnly, query, location } = this.s;
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
    this.set({ loading: true });
    await this.guard(async () => {
      const page = await this.opts.api.page(this.filters, undefined, this.opts.pageSize);
      if (call !== this._callId) return;
      this.next = page.next;
      const open = this.s.selected && page.conversations.find((c) => c.id === this.s.selected!.id);
      this.set({ items: page.conversations, more: Boolean(page.next), snippets: page.snippets ?? {}, ...(open && { selected: open }) });
      // A change that came live while the page was on its way may be missing from it: ask again.
      const touched = [...(this.touched ?? [])];
      this.touched = undefined;
      for (const id of touched) void this.fetchInto(id);
    });
    if (call === this._callId) this.set({ loading: false });
  }

  async loadMore(): Promise<void> {
    if (!this.next || this.s.loading) return;
    const call = this._callId;
    this.set({ loading: true });
    await this.guard(async () => {
      const page = await this.opts.api.page(this.filters, this.next, this.opts.pageSize);
      if (call !== this._callId) return;
      this.next = page.next;
      const known = new Set(this.s.items.map((i) => i.id));
      this.set({
        items: [...this.s.items, ...page.conversations.filter((c) => !known.has(c.id))],
        more: Boolean(page.next),
        snippets: { ...this.s.snippets, ...page.snippets },
      });
    });
    if (call === this._callId) this.set({ loading: false });
  }

  // ---- the conversation in view ---------------------------------------------------------------

  /** Opens a conversation: its notes load, the others see me viewing it, its history is fetched. */
  async select(id: string | null): Promise<void> {
    const previous = this.s.selected;
    if (previous?.id === id) return;
    const call = ++this._selectId;
    if (previous) this.opts.socket.send({ type: 'viewing', conversation: previous.id, active: false });
    const listed = id === null ? undefined : this.s.items.find((i) => i.id === id);
    this.set({ selected: listed ?? null, notes: [] });
    // Left: it was kept listed while in view; now the filters decide again.
    if (previous) this.upsert(previous);
    if (id === null) return;
    await this.guard(async () => {
      const [entry, notes] = await Promise.all([listed ? Promise.resolve(listed) : this.opts.api.conversation(id), this.opts.api.notes(id)]);
      if (call !== this._selectId) return;
      this.set({ selected: this.s.selected ?? entry, notes });
      this.opts.socket.catchUp(entry.thread);
      this.opts.socket.send({ type: 'viewing', conversation: id, active: true });
    });
  }

  claim(): Promise<void> {
    return this.act(async (id) => {
      const result = await this.opts.api.claim(id);
      if (!result.claimed) this.set({ problem: `${this.nameOf(result.by)} is already handling this conversation.` });
    });
  }

  release(): Promise<void> {
    return this.act((id) => this.opts.api.release(id));
  }

  assign(to: Assignee): Promise<void> {
    return this.act((id) => this.opts.api.assign(id, to));
  }

  close(): Promise<void> {
    return this.act((id) => this.opts.api.close(id));
  }

  reopen(): Promise<void> {
    return this.act((id) => this.opts.api.reopen(id));
  }

  /** Urgent conversations sort first in every list, for the whole team. */
  setUrgent(urgent: boolean): Promise<void> {
    return this.act((id) => this.opts.api.setUrgent(id, urgent));
  }

  /** Mark unread (for me only); the conversation leaves the view so it stays unread. */
  async markUnread(): Promise<void> {
    const id = this.s.selected?.id;
    if (!id) return;
    await this.act((c) => this.opts.api.setUnread(c, true));
    await this.select(null);
  }

  /** Adds an internal note (staff only; never reaches the patient). Rejects with the hub's refusal. */
  async addNote(text: string, mentions: readonly MentionTarget[] = []): Promise<Note> {
    const id = this.s.selected?.id;
    if (!id) throw new InboxApiError('invalid', 'no conversation is open', 0);
    const note = await this.opts.api.addNote(id, nanoid(), text, mentions);
    this.addNoteToView(note);
    return note;
  }

  async dismissMention(mentionId: string): Promise<void> {
    await this.guard(async () => {
      await this.opts.api.dismissMention(mentionId);
      this.set({ mentions: this.s.mentions.filter((m) => m.id !== mentionId) });
    });
  }

  /** Dismisses my mentions in the conversation in view (it leaves my Mentions view). */
  async dismissMentionsHere(): Promise<void> {
    const id = this.s.selected?.id;
    if (!id) return;
    for (const mention of this.s.mentions.filter((m) => m.conversation === id)) await this.dismissMention(mention.id);
  }

  /** Clears the last problem once the person has seen it. */
  clearProblem(): void {
    this.set({ problem: undefined });
  }

  nameOf(staffId: string): string {
    if (staffId === this.s.me?.id) return 'You';
    return this.s.staff.find((s) => s.id === staffId)?.name ?? 'Someone';
  }

  // ---- live ---------------------------------------------------------------------------------

  private onFrame(frame: Frame): void {
    if (this.stopped) return;
    if ((frame.type === 'inbox' || frame.type === 'inbox-state') && this.touched) this.touched.add(frame.type === 'inbox' ? frame.conversation.id : frame.conversation);
    switch (frame.type) {
      case 'inbox':
        return this.onItem(frame.conversation);
      case 'inbox-state': {
        const current = this.find(frame.conversation);
        if (current) this.upsert(entryOf(current, frame.mark));
        else void this.fetchInto(frame.conversation);
        return this.countsSoon();
      }
      case 'note':
        if (frame.note.mentions.includes(this.s.me?.id ?? '') && frame.note.author.id !== this.s.me?.id) {
          this.events.emit('mention', { note: frame.note, conversation: this.find(frame.note.conversation) });
          void this.refreshMentions();
        }
        return this.addNoteToView(frame.note);
      case 'viewing': {
        if (!frame.staff || frame.staff.id === this.s.me?.id) return;
        const others = (this.s.viewers[frame.conversation] ?? []).filter((v) => v.id !== frame.staff!.id);
        const viewers = { ...this.s.viewers, [frame.conversation]: frame.active ? [...others, frame.staff] : others };
        return this.set({ viewers });
      }
      case 'inbox-directory':
        // Teams or settings changed: who is in which team decides My Inbox and the views.
        void this.guard(async () => {
          await this.loadDirectory();
          if (this.s.settings) this.set({ settings: await this.opts.api.settings() });
          await this.reload();
          this.countsSoon();
        });
        return;
      case 'ready':
        // A new session: the hub tells it again who is viewing what.
        this.sessionSynced = false;
        this.set({ viewers: {} });
        return;
      case 'synced':
        // The session's first catch-up is done (later ones answer a conversation being opened).
        if (this.sessionSynced) return;
        this.sessionSynced = true;
        // Back after a reconnect: what changed meanwhile came as no frame, so ask again; the hub
        // forgot that I view the open conversation.
        if (this.s.ready) {
          void this.reload();
          this.countsSoon();
          void this.refreshSelected();
        }
        return;
      default:
        return;
    }
  }

  private onItem(item: InboxItem): void {
    const previous = this.find(item.id);
    const me = this.meRules();
    this.countsSoon();
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

  private async fetchInto(id: string): Promise<void> {
    try {
      const entry = await this.opts.api.conversation(id);
      const me = this.meRules();
      if (me && !this.find(id) && entry.lastAuthor === 'patient' && this.alertsMe(entry, me) && entry.unread) {
        this.events.emit('mine-message', { conversation: entry });
      }
      this.upsert(entry);
    } catch {
      // Gone or not ours: nothing to show.
    }
  }

  /** Puts a conversation where the filters and the order say, or takes it out of the list. */
  private upsert(entry: InboxEntry): void {
    const me = this.meRules();
    const fits = me ? matches(entry, this.filters, me) : undefined;
    const present = this.s.items.some((i) => i.id === entry.id);
    let items = this.s.items.filter((i) => i.id !== entry.id);
    // The conversation in view stays listed until the person leaves it.
    const keep = fits === true || (fits === undefined && present) || this.s.selected?.id === entry.id;
    if (keep) {
      const last = items.at(-1);
      // Past the last loaded row of a paged list, it belongs to a page not loaded yet.
      if (present || !this.s.more || !last || compareEntries(entry, last) < 0) {
        items = [...items, entry].sort(compareEntries);
      }
    }
    const selected = this.s.selected?.id === entry.id ? entry : this.s.selected;
    this.set({ items, selected });
  }

  private addNoteToView(note: Note): void {
    if (this.s.selected?.id !== note.conversation || this.s.notes.some((n) => n.id === note.id)) return;
    this.set({ notes: [...this.s.notes, note].sort((a, b) => a.at - b.at) });
  }

  /** After a reconnect: the open conversation's notes again, and the others told I am viewing it. */
  private async refreshSelected(): Promise<void> {
    const selected = this.s.selected;
    if (!selected) return;
    const call = this._selectId;
    this.opts.socket.send({ type: 'viewing', conversation: selected.id, active: true });
    await this.guard(async () => {
      const notes = await this.opts.api.notes(selected.id);
      if (call === this._selectId) this.set({ notes });
    });
  }

  private countsSoon(): void {
    if (this.stopped) return;
    clearTimeout(this.countsTimer);
    this.countsTimer = setTimeout(() => void this.refreshCounts(), this.opts.countsDelayMs ?? 250);
  }

  private async refreshCounts(): Promise<void> {
    await this.guard(async () => this.set({ counts: await this.opts.api.counts() }));
  }

  private async refreshMentions(): Promise<void> {
    await this.guard(async () => this.set({ mentions: await this.opts.api.mentions() }));
  }

  private async act(run: (id: string) => Promise<unknown>): Promise<void> {
    const id = this.s.selected?.id;
    if (!id) return;
    this.set({ problem: undefined });
    await this.guard(async () => {
      await run(id);
      // The hub's live frame brings the change to every screen; this one need not wait for it.
      this.upsert(await this.opts.api.conversation(id));
    });
  }

  private async guard(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const code = error instanceof InboxApiError ? error.code : 'failed';
      const message = error instanceof Error ? error.message : 'something went wrong';
      this.set({ problem: problemText(code, message) });
      this.events.emit('error', { code, message });
    }
  }

  private find(id: string): InboxEntry | undefined {
    return this.s.items.find((i) => i.id === id) ?? (this.s.selected?.id === id ? this.s.selected : undefined);
  }

  /** My Inbox alerts me; so does Unassigned when an admin said I am told about it. */
  private alertsMe(item: Pick<InboxItem, 'assignee'>, me: Me): boolean {
    return isMine(item, me) || (item.assignee === null && this.s.me?.notifyUnassigned === true);
  }

  private meRules(): Me | undefined {
    return this.s.me ? { id: this.s.me.id, lists: this.myLists } : undefined;
  }

  private set(patch: Partial<InboxState>): void {
    if (this.stopped && this.s.ready) return;
    this.s = { ...this.s, ...patch };
    for (const listener of this.listeners) listener(this.s);
  }
}

function problemText(code: string, message: string): string {
  switch (code) {
    case 'unavailable':
      return 'The chat service cannot be reached. Trying again when you act.';
    case 'forbidden':
      return 'The inbox is for the care team.';
    case 'unauthorized':
      return 'Your sign-in has expired. Reload the page.';
    case 'not-found':
      return 'That conversation is no longer there.';
    default:
      return message.charAt(0).toUpperCase() + message.slice(1) + (message.endsWith('.') ? '' : '.');
  }
}
