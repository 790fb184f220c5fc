// <clinic-chat-inbox>: the care team's shared inbox on a hub. The list of conversations (views,
// counts, search) on the left, the conversation in view on the right: its header with the
// inbox's actions, and the chat box (timeline with notes, composer for replies and notes).
// Renders the state of an InboxCore and a ChatCore; every action is a call on one of them.
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { MentionTarget, PatientHit } from '../../../protocol/inbox.js';
import { TRANSCRIPT_STYLE } from '../../../protocol/transcript.js';
import { displayName } from '../../format.js';
import type { Mentionable } from '../../inbox/mentions.js';
import { ClinicChatBox } from '../clinic-chat-box/clinic-chat-box.js';
import type { NoteWriting } from '../clinic-chat-composer/clinic-chat-composer.js';
import { may } from '../../inbox/inbox-state.js';
import { downloadBlob, openInNewTab } from '../download.js';
import { base, themeTokens } from '../theme.js';
import { styles } from './clinic-chat-inbox.styles.js';
import { menuStyles } from './inbox-menus.styles.js';
import { settingsStyles } from './inbox-settings.styles.js';
import { InboxAlertsController } from './inbox-alerts.js';
import { renderHeader, type HeaderActions } from './inbox-header.js';
import { renderRows, renderSearch, renderViews, type ListActions } from './inbox-list.js';
import { InboxSessionController } from './inbox-session.js';
import { renderSettings, type SettingsActions } from './inbox-settings.js';
import { renderNewChat, type NewChatActions } from './inbox-new-chat.js';

/**
 * The shared inbox for the care team, on a hub.
 *
 * ```html
 * <clinic-chat-inbox hub="wss://chat.example.com/v1/ws" token="…"></clinic-chat-inbox>
 * ```
 *
 * @summary Shared inbox: assignment, claim, notes with @mentions, filters and search.
 * @tag clinic-chat-inbox
 * @fires clinic-chat-inbox-error - The hub refused an inbox call or cannot be reached.
 * @fires clinic-chat-error - The inbox has no care-team token.
 * @csspart inbox - The two panes.
 * @csspart list-pane - The list of conversations with its views and search.
 * @csspart alerts-toggle - Turns sound and desktop alerts on or off.
 * @csspart views - The views: All open, My inbox, Unassigned, Mentions, each team, Closed.
 * @csspart view - One view; also `view-current`.
 * @csspart view-count - Its count.
 * @csspart toggles - Unread only, waiting for a reply, and the location.
 * @csspart location - The location filter (when the org has locations), with a count per location.
 * @csspart search - The search form.
 * @csspart conversation-list - The conversations.
 * @csspart conversation - One conversation; also `conversation-unread`.
 * @csspart conversation-time - When its last message came.
 * @csspart conversation-preview - Its last message, or the search snippet (hits in `<mark>`).
 * @csspart tag - Assignee, claim, viewers, urgency (`tag-urgent`, `tag-claimed`, `tag-viewing`).
 * @csspart badge - "New" on an unread conversation.
 * @csspart more-button - Loads the next page.
 * @csspart list-empty - Says the view is empty.
 * @csspart detail-pane - The conversation in view.
 * @csspart conversation-header - Its header with the actions.
 * @csspart back-button - Back to the list (also Escape).
 * @csspart title - The patient's name.
 * @csspart status - Where the patient is, or Closed.
 * @csspart viewers - Who else is viewing it.
 * @csspart claimed - Who is handling it.
 * @csspart mentioned - "You are mentioned in a note here", with its Dismiss (`dismiss-mention-button`).
 * @csspart conversation-actions - Claim or release, assign, close or reopen, mark unread.
 * @csspart problem - What went wrong (a claim someone else won, the hub unreachable).
 * @csspart placeholder - Shown while no conversation is open.
 * @csspart opted-out - Says the patient opted out of messages (permanent): replies are not sent, notes still are.
 * @csspart opt-out - The opt-out control, with its confirm step; gone once opted out.
 * @csspart opt-out-button - Opens the confirm step ("Opt out of messages").
 * @csspart opt-out-confirm - Opts the patient out, permanently.
 * @csspart urgent-button - Marks the conversation urgent (or not): urgent sorts first for everyone.
 * @csspart legal-hold-button - `settings.manage`: puts the conversation on legal hold (or not); the purge never deletes a held one.
 * @csspart settings-button - Opens the inbox settings (for a role that manages teams or settings, or views the audit).
 * @csspart settings - The settings panel: teams and their members, who is told about Unassigned, retention, the audit.
 * @csspart team - One team in the settings.
 * @csspart settings-close - Closes the settings.
 * @csspart retention - The retention section: keep closed conversations forever or for some days, Purge now.
 * @csspart retention-days - The days a closed conversation is kept.
 * @csspart retention-save - Saves the retention.
 * @csspart purge-button - Purges what is past the retention now (asks once first).
 * @csspart purge-result - What the purge deleted.
 * @csspart audit - The audit section: who did what, newest first.
 * @csspart audit-table - Its table; `audit-entry` is one row.
 * @csspart audit-more - Loads older entries.
 * @csspart audit-download - Downloads the audit as CSV.
 */
export class ClinicChatInbox extends LitElement {
  static override styles = [themeTokens, base, styles, menuStyles, settingsStyles];

  static define(tag = 'clinic-chat-inbox'): void {
    ClinicChatBox.define();
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  /** The hub's WebSocket URL, e.g. `wss://chat.example.com/v1/ws`. */
  @property() hub?: string;
  /** The REST base when it is not the hub's URL without `/ws` (e.g. `https://chat.example.com/v1`). */
  @property() api?: string;
  /** A care-team token signed by the vendor's backend; or set `getToken`. */
  @property() token?: string;
  @property({ attribute: false }) getToken?: () => string | Promise<string>;
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  /** The conversation that holds the list's tab stop. */
  @state() private focusId?: string;
  /** The team whose Delete was pressed once. */
  @state() private deleting?: string;
  /** Purge now was pressed once. */
  @state() private purging = false;

  private readonly session = new InboxSessionController(this);
  private readonly alerts = new InboxAlertsController(this, this.session);
  private readonly notesWriting: NoteWriting = {
    mentionables: [],
    add: async (text: string, mentions: MentionTarget[]) => {
      await this.session.inbox?.addNote(text, mentions);
    },
    emptyAction: { label: 'Assign…', run: () => this.renderRoot.querySelector<HTMLSelectElement>('[part~="assign-select"]')?.focus() },
  };
  private mentionablesFor?: unknown;

  private readonly list: ListActions = {
    view: (view) => void this.session.inbox?.setView(view),
    unreadOnly: (on) => void this.session.inbox?.setUnreadOnly(on),
    unrespondedOnly: (on) => void this.session.inbox?.setUnrespondedOnly(on),
    location: (id) => void this.session.inbox?.setLocation(id),
    search: (q) => void this.session.inbox?.search(q),
    open: (id) => void this.open(id),
    more: () => void this.session.inbox?.loadMore(),
    focus: (id) => (this.focusId = id),
  };

  private readonly actions: HeaderActions = {
    back: () => void this.back(),
    claim: () => void this.session.inbox?.claim(),
    release: () => void this.session.inbox?.release(),
    assign: (to) => void this.session.inbox?.assign(to),
    close: () => void this.session.inbox?.close(),
    reopen: () => void this.session.inbox?.reopen(),
    loadDisplayName: () => void this.session.inbox?.patient.loadDisplayName(),
    saveDisplayName: (scope, name) => void this.session.inbox?.patient.saveDisplayName(scope, name),
    setPrimary: (patient) => void this.session.inbox?.patient.setPrimary(patient),
    transcript: (format, internal) => this.transcript(format, internal),
    closeAndEmail: (to, internal) => void this.session.inbox?.patient.closeAndEmail(to, internal),
    merge: (duplicate) => void this.session.inbox?.patient.merge(duplicate),
    markUnread: () => void this.markUnread(),
    urgent: (on) => void this.session.inbox?.setUrgent(on),
    legalHold: (on) => void this.session.inbox?.setLegalHold(on),
    optOut: () => void this.session.inbox?.optOut(),
    dismissMentions: () => void this.session.inbox?.dismissMentionsHere(),
  };

  private readonly newChat: NewChatActions = {
    close: () => this.session.inbox?.newChat.close(),
    find: (query) => void this.session.inbox?.newChat.find(query),
    start: (patient) => void this.startWith(patient),
    create: (input) => void this.session.inbox?.newChat.create(input).then((added) => (added ? this.openDraft() : undefined)),
  };

  private readonly settings: SettingsActions = {
    close: () => this.session.inbox?.settings.close(),
    createList: (name) => void this.session.inbox?.settings.createList(name),
    setRole: (name, permissions) => void this.session.inbox?.settings.setRole(name, permissions),
    // Deleting a team unassigns its conversations: the first press asks, the second deletes.
    deleteList: (id) => {
      if (this.deleting !== id) {
        this.deleting = id;
        return;
      }
      this.deleting = undefined;
      void this.session.inbox?.settings.deleteList(id);
    },
    setMember: (list, staff, member) => void this.session.inbox?.settings.setMember(list, staff, member),
    setNotifyUnassigned: (staff, on) => void this.session.inbox?.settings.setNotifyUnassigned(staff, on),
    setRetention: (days) => void this.session.inbox?.settings.setRetention(days),
    // The purge cannot be undone: the first press asks, the second purges.
    purge: () => {
      this.purging = !this.purging;
      if (!this.purging) void this.session.inbox?.settings.purgeNow();
    },
    moreAudit: () => void this.session.inbox?.settings.moreAudit(),
    filterAudit: (filters) => void this.session.inbox?.settings.filterAudit(filters),
    downloadAudit: () => void this.downloadAudit(),
  };

  protected override willUpdate(): void {
    const state = this.session.inbox?.state;
    // The mention suggestions follow the directory.
    if (state && this.mentionablesFor !== state.staff) {
      this.mentionablesFor = state.staff;
      const me = state.me?.id;
      const people: Mentionable[] = state.staff.filter((s) => s.id !== me).map((s) => ({ kind: 'staff', id: s.id, name: s.name }));
      const teams: Mentionable[] = state.lists.map((l) => ({ kind: 'list', id: l.id, name: l.name }));
      this.notesWriting.mentionables = [...people, ...teams];
    }
  }

  protected override render() {
    const inbox = this.session.inbox;
    const state = inbox?.state;
    if (!inbox || !state) return html`<p part="placeholder">Connecting to the inbox…</p>`;
    const chat = this.session.chat;
    const chatState = chat?.state;
    const selected = state.selected;
    const threadId = selected?.thread ?? state.starting?.thread;
    const thread = threadId ? chatState?.threads.find((t) => t.id === threadId) : undefined;
    const nameOf = (id: string) => inbox.nameOf(id);
    return html`
      ${state.problem
        ? html`<p part="problem" role="alert">
            ${state.problem} <button type="button" class="link" @click=${() => inbox.clearProblem()}>Dismiss</button>
          </p>`
        : nothing}
      <div part="inbox" class=${selected || state.settings || state.newChat || state.starting ? 'inbox detail-open' : 'inbox'}>
        <section part="list-pane" aria-labelledby="inbox-title">
          <div class="list-head">
            <h2 id="inbox-title">Inbox</h2>
            <span class="head-actions">
              ${may(state, 'chats.write')
                ? html`<button part="new-chat-button" type="button" aria-pressed=${state.newChat ? 'true' : 'false'} @click=${() => (state.newChat ? inbox.newChat.close() : this.openNewChat())}>
                    New chat
                  </button>`
                : nothing}
              ${inbox.settings.available
                ? html`<button part="settings-button" type="button" aria-pressed=${state.settings ? 'true' : 'false'} @click=${() => this.toggleSettings()}>
                    Settings
                  </button>`
                : nothing}
              <button part="alerts-toggle" type="button" aria-pressed=${this.alerts.on ? 'true' : 'false'} @click=${() => this.alerts.toggle()}>
                Alerts ${this.alerts.on ? 'on' : 'off'}
              </button>
            </span>
          </div>
          ${renderSearch(state, this.list)} ${renderViews(state, this.list)}
          <div class="rows">${renderRows(state, this.focusId, nameOf, this.list)}</div>
        </section>
        <section
          part="detail-pane"
          aria-labelledby=${state.settings ? 'settings-title' : state.newChat ? 'new-chat-title' : selected || state.starting ? 'conversation-title' : nothing}
          aria-label=${state.settings || state.newChat || selected || state.starting ? nothing : 'Conversation'}
          @keydown=${this.onDetailKeydown}
        >
          ${state.settings
            ? renderSettings(state, (p) => inbox.settings.can(p), this.settings, { deleting: this.deleting, purging: this.purging })
            : state.newChat
            ? renderNewChat(state.newChat, state, this.newChat)
            : selected || state.starting
            ? html`${selected ? renderHeader(selected, state, thread, nameOf, this.actions) : this.renderDraftHeader(state.starting!.name)}
                ${thread && chatState
                  ? // One box for the draft and the conversation it becomes: the composer (and what is typed) stays.
                    html`<clinic-chat-box
                      no-header
                      exportparts="messages, earlier-button, message, message-mine, message-theirs, group-first, group-last, date-separator, avatar, author, link, time, delivery, delivery-failed, attachment, attachment-download, image-viewer, image-viewer-image, image-viewer-download, image-viewer-close, typing, banner, note, composer, input, attach-button, send-button, file-chip, error, mode-reply, mode-note, mention-list, mention-option, mention-option-active"
                      .core=${chat}
                      .state=${chatState}
                      .thread=${thread}
                      .notes=${selected ? state.notes : []}
                      .events=${selected ? state.events : []}
                      .readerId=${state.me?.id}
                      .noteWriting=${selected && may(state, 'chats.write') ? this.notesWriting : undefined}
                      .readOnlyReason=${may(state, 'chats.write') ? undefined : 'Your role lets you read this conversation, not reply to it.'}
                    ></clinic-chat-box>`
                  : html`<p part="placeholder">Loading the conversation…</p>`}`
            : html`<p part="placeholder">${state.items.length ? 'Choose a conversation.' : ''}</p>`}
        </section>
      </div>
      <p class="visually-hidden" role="status">${this.alerts.said}</p>
    `;
  }

  private toggleSettings(): void {
    const settings = this.session.inbox?.settings;
    this.deleting = undefined;
    this.purging = false;
    if (this.session.inbox?.state.settings) settings?.close();
    else void settings?.open();
  }

  /** The CSV comes with the token in a header, never in a URL: fetched, then saved from a blob URL. */
  private async downloadAudit(): Promise<void> {
    const file = await this.session.inbox?.settings.auditCsv();
    if (!file) return;
    downloadBlob(this.renderRoot, file.csv, file.filename);
  }

  /** The printable page opens in a new tab; text and FHIR are saved as files. */
  private transcript(format: 'text' | 'html' | 'fhir', internal: boolean): void {
    const inbox = this.session.inbox;
    const id = inbox?.state.selected?.id;
    if (!inbox || !id) return;
    if (format === 'html') return openInNewTab(() => inbox.patient.transcript('html', internal), TRANSCRIPT_STYLE);
    void inbox.patient.transcript(format, internal).then((file) => {
      if (file) downloadBlob(this.renderRoot, file, `transcript-${id}${internal ? '-internal' : ''}.${format === 'fhir' ? 'json' : 'txt'}`);
    });
  }

  private async open(id: string): Promise<void> {
    const inbox = this.session.inbox;
    const chat = this.session.chat;
    if (!inbox || !chat) return;
    this.focusId = id;
    await inbox.select(id);
    const entry = inbox.state.selected;
    if (!entry || entry.id !== id) return;
    // The chat holds the threads of patients it has heard of; a conversation from the list may be older.
    if (!chat.state.threads.some((t) => t.id === entry.thread)) chat.setQueue([{ id: entry.thread, name: entry.patient.name, present: false }]);
    chat.open(entry.thread);
    await this.updateComplete;
    await this.renderRoot.querySelector<ClinicChatBox>('clinic-chat-box')?.focusInput();
  }

  /** A patient without a conversation yet: a header that says so (the box is the conversation's). */
  private renderDraftHeader(name: string) {
    return html`<div part="conversation-header">
      <div class="title-row">
        <button part="back-button" type="button" aria-label="Back to the inbox" @click=${() => void this.back()}>←</button>
        <div class="heading">
          <h2 part="title" id="conversation-title">${displayName(name)}</h2>
          <span part="status">New conversation: it starts with your first message</span>
        </div>
      </div>
    </div>`;
  }

  private async openNewChat(): Promise<void> {
    await this.session.inbox?.select(null);
    this.session.chat?.close();
    this.session.inbox?.newChat.open();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('[part~="new-chat-search"]')?.focus();
  }

  /** A found patient: their conversation if they have one, else a draft for the first message. */
  private async startWith(patient: PatientHit): Promise<void> {
    const inbox = this.session.inbox;
    if (!inbox) return;
    if (patient.conversation) {
      inbox.newChat.close();
      return this.open(patient.conversation.id);
    }
    await inbox.newChat.start(patient);
    await this.openDraft();
  }

  /** The chat gets a thread for the draft's patient, shown in the box, the composer focused. */
  private async openDraft(): Promise<void> {
    const starting = this.session.inbox?.state.starting;
    const chat = this.session.chat;
    if (!starting || !chat) return;
    if (!chat.state.threads.some((t) => t.id === starting.thread)) chat.setQueue([{ id: starting.thread, name: starting.name, present: false }]);
    chat.open(starting.thread);
    await this.updateComplete;
    await this.renderRoot.querySelector<ClinicChatBox>('clinic-chat-box')?.focusInput();
  }

  private async back(): Promise<void> {
    const id = this.session.inbox?.state.selected?.id;
    this.session.chat?.close();
    this.session.inbox?.newChat.cancelDraft();
    await this.session.inbox?.select(null);
    await this.updateComplete;
    if (id) this.focusRow(id);
  }

  private async markUnread(): Promise<void> {
    const id = this.session.inbox?.state.selected?.id;
    this.session.chat?.close();
    await this.session.inbox?.markUnread();
    await this.updateComplete;
    if (id) this.focusRow(id);
  }

  private focusRow(id: string): void {
    this.focusId = id;
    this.renderRoot.querySelector<HTMLButtonElement>(`[part~="conversation"][data-id="${CSS.escape(id)}"]`)?.focus();
  }

  private readonly onDetailKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    if (this.session.inbox?.state.settings) {
      event.preventDefault();
      this.session.inbox.settings.close();
      return;
    }
    if (this.session.inbox?.state.newChat) {
      event.preventDefault();
      this.session.inbox.newChat.close();
      return;
    }
    if (!this.session.inbox?.state.selected) return;
    event.preventDefault();
    void this.back();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'clinic-chat-inbox': ClinicChatInbox;
  }
}
