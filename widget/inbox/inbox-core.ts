// The shared inbox's state without a DOM: the filtered list of conversations (paged from the
// hub, then kept true by live frames), the counts per filter, the directory of staff and lists,
// the conversation in view with its notes and who else is viewing it, and the actions. The
// chat itself (messages, receipts, sending) stays in the ChatCore that shares the socket.
import { nanoid } from 'nanoid';
import type { Frame } from '../../protocol/index.js';
import type { MentionTarget, Note } from '../../protocol/inbox.js';
import type { TimelineEvent } from '../../protocol/timeline.js';
import { Emitter } from '../core/emitter.js';
import { InboxApiError, type Assignee, type InboxFilters } from './inbox-api.js';
import { InboxListing } from './inbox-listing.js';
import { InboxNewChat } from './inbox-new-chat.js';
import { InboxPatient } from './inbox-patient.js';
import { InboxSettings } from './inbox-settings.js';
import { InboxStore } from './inbox-store.js';
import { EMPTY, type InboxCoreOptions, type InboxEventMap, type InboxState, type InboxView } from './inbox-state.js';

export type { InboxCoreOptions, InboxEventMap, InboxSocket, InboxState, InboxView, Viewer } from './inbox-state.js';

/**
 * The shared inbox of one staff member. The list (`InboxListing`) and the admins' settings
 * (`InboxSettings`) are parts of it over one state; this class holds the conversation in
 * view, the actions and the live frames.
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
  private readonly store = new InboxStore(EMPTY);
  private readonly guard = (run: () => Promise<void>) => this.guarded(run);
  private readonly list: InboxListing;
  /** The admins' settings panel. */
  readonly settings: InboxSettings;
  /** New chat: find or add a patient and start writing. */
  readonly newChat: InboxNewChat;
  /** The patient in view: their shared contact, merging, the name they see for me. */
  readonly patient: InboxPatient;
  private off?: () => void;
  private countsTimer?: ReturnType<typeof setTimeout>;
  /** Increments per `select`, so a slow answer for a conversation already left is dropped. */
  private _selectId = 0;
  /** The current socket session has had its first `synced`. */
  private sessionSynced = false;

  /** Follows the socket's frames from here on: build it before the socket connects, so nothing said at connect is missed. */
  constructor(private readonly opts: InboxCoreOptions) {
    this.list = new InboxListing(opts.api, this.store, this.guard, this.events, opts.pageSize);
    this.settings = new InboxSettings(opts.api, this.store, this.guard);
    this.patient = new InboxPatient(opts.api, this.store, (run) => this.act(run));
    this.newChat = new InboxNewChat(opts.api, this.store, this.guard, (id) => this.select(id));
    this.off = opts.socket.listen((frame) => this.onFrame(frame));
  }

  get state(): InboxState {
    return this.store.state;
  }

  private get s(): InboxState {
    return this.store.state;
  }

  subscribe(listener: (state: InboxState) => void): () => void {
    return this.store.subscribe(listener);
  }

  /** Loads the directory, the first page, the counts and my mentions, then follows the live frames. */
  async start(): Promise<void> {
    this.off ??= this.opts.socket.listen((frame) => this.onFrame(frame));
    this.store.stopped = false;
    await this.guard(async () => {
      await this.loadDirectory();
      await Promise.all([this.reload(), this.refreshCounts(), this.refreshMentions()]);
      this.set({ ready: true });
    });
  }

  private async loadDirectory(): Promise<void> {
    const directory = await this.opts.api.directory();
    this.list.myLists = new Set(directory.lists.filter((l) => l.members.includes(directory.me.id)).map((l) => l.id));
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

  stop(): void {
    this.store.stopped = true;
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
    return this.list.filters;
  }

  reload(): Promise<void> {
    return this.list.reload();
  }

  loadMore(): Promise<void> {
    return this.list.loadMore();
  }

  // ---- the conversation in view ---------------------------------------------------------------
  /** Opens a conversation: its notes load, the others see me viewing it, its history is fetched. */
  async select(id: string | null): Promise<void> {
    const previous = this.s.selected;
    if (previous?.id === id) return;
    const call = ++this._selectId;
    if (previous) this.opts.socket.send({ type: 'viewing', conversation: previous.id, active: false });
    const listed = id === null ? undefined : this.s.items.find((i) => i.id === id);
    this.set({ selected: listed ?? null, notes: [], events: [], contact: undefined, ...(id !== null && { starting: undefined }) });
    // Left: it was kept listed while in view; now the filters decide again.
    if (previous) this.list.upsert(previous);
    if (id === null) return;
    await this.guard(async () => {
      const [entry, notes, events, contact] = await Promise.all([
        listed ? Promise.resolve(listed) : this.opts.api.conversation(id),
        this.opts.api.notes(id),
        this.opts.api.events(id),
        // Who shares the patient's phone is extra: a hub that cannot say still opens the conversation.
        this.opts.api.contact(id).catch(() => ({ contact: null, patient: '' })),
      ]);
      if (call !== this._selectId) return;
      this.set({ selected: this.s.selected ?? entry, notes, events: mergeEvents(events, this.s.events), contact: { ...contact, for: id } });
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

  /** Opts the patient out of messages, permanently; replies are refused from then on, notes are not. */
  optOut(): Promise<void> {
    return this.act((id) => this.opts.api.optOut(id));
  }

  /** Urgent conversations sort first in every list, for the whole team. */
  setUrgent(urgent: boolean): Promise<void> {
    return this.act((id) => this.opts.api.setUrgent(id, urgent));
  }

  /** On legal hold the retention purge never deletes it (`settings.manage`). */
  setLegalHold(hold: boolean): Promise<void> {
    return this.act((id) => this.opts.api.setLegalHold(id, hold));
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
    if (this.store.stopped) return;
    if (frame.type === 'inbox' || frame.type === 'inbox-state') this.list.touch(frame.type === 'inbox' ? frame.conversation.id : frame.conversation);
    switch (frame.type) {
      case 'inbox':
        this.countsSoon();
        this.list.onItem(frame.conversation);
        return this.newChat.arrived(frame.conversation);
      case 'inbox-state':
        this.list.onMark(frame.conversation, frame.mark);
        return this.countsSoon();
      case 'note':
        if (frame.note.mentions.includes(this.s.me?.id ?? '') && frame.note.author.id !== this.s.me?.id) {
          this.events.emit('mention', { note: frame.note, conversation: this.list.find(frame.note.conversation) });
          void this.refreshMentions();
        }
        return this.addNoteToView(frame.note);
      case 'event':
        if (this.s.selected?.id === frame.event.conversation) this.set({ events: mergeEvents(this.s.events, [frame.event]) });
        return;
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
          await this.settings.refresh();
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
      const [notes, events] = await Promise.all([this.opts.api.notes(selected.id), this.opts.api.events(selected.id)]);
      if (call === this._selectId) this.set({ notes, events });
    });
  }

  private countsSoon(): void {
    if (this.store.stopped) return;
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
      this.list.upsert(await this.opts.api.conversation(id));
    });
  }

  private async guarded(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const code = error instanceof InboxApiError ? error.code : 'failed';
      const message = error instanceof Error ? error.message : 'something went wrong';
      this.set({ problem: problemText(code, message) });
      this.events.emit('error', { code, message });
    }
  }

  private set(patch: Partial<InboxState>): void {
    this.store.set(patch);
  }
}

/** Events by id, oldest first: a live one that came while the list was loading is kept once. */
function mergeEvents(a: readonly TimelineEvent[], b: readonly TimelineEvent[]): TimelineEvent[] {
  const byId = new Map([...a, ...b].map((e) => [e.id, e]));
  return [...byId.values()].sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : 1));
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
