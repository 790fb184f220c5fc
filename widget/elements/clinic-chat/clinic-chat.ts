// <clinic-chat>: the embeddable chat. Renders the state of the session its controller holds;
// the inner elements only render and call the core (they dispatch no events), and this element
// follows the core: it moves focus after box actions and mirrors the alerts toggle.
import { LitElement, html, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Role } from '../../../protocol/index.js';
import { DEFAULT_MAX_FILE_BYTES } from '../../core/attachments.js';
import type { ChatMessage, ChatState, QueueEntry, Retention } from '../../core/types.js';
import type { Transport } from '../../transports/transport.js';
import { ClinicChatBox } from '../clinic-chat-box/clinic-chat-box.js';
import { ClinicChatQueue } from '../clinic-chat-queue/clinic-chat-queue.js';
import { AlertsController } from '../controllers/alerts.js';
import { AnnouncerController } from '../controllers/announcer.js';
import { PageLifecycleController } from '../controllers/page-lifecycle.js';
import { SessionController, type ChatIdentity } from '../controllers/session.js';
import { icons } from '../icons.js';
import { base, themeTokens } from '../theme.js';
import { NARROW_VIEWPORT, styles } from './clinic-chat.styles.js';

export type { ChatIdentity };

/**
 * A patient chat for telehealth pages. As `patient` it is one chat box with the care team; as
 * `provider` it is the queue of waiting patients with a chat box for the one in view.
 * In ephemeral mode (the default) messages live only in this page's memory.
 *
 * Its lifecycles live in controllers (`controllers/`): the session (core, transport, token),
 * alerts, the live region and the page's lifecycle; this class renders and wires.
 *
 * @summary Embeddable patient–care team chat.
 * @tag clinic-chat
 *
 * @fires clinic-chat-message - A message arrived. `detail: { thread, message }`.
 * @fires clinic-chat-unread - A thread's unread count changed. `detail: { thread, unread, total }`.
 * @fires clinic-chat-open - A chat box opened. `detail: { thread }`.
 * @fires clinic-chat-minimize - The box was minimized. `detail: { thread }`.
 * @fires clinic-chat-close - The box was closed. `detail: { thread }`.
 * @fires clinic-chat-ended - A chat ended. `detail: { thread }`.
 * @fires clinic-chat-presence - A patient came or left (provider), or the care team did (patient). `detail: { thread, present }`.
 * @fires clinic-chat-error - Something was refused. `detail: { code, message, ref? }`.
 *
 * @csspart layout - The provider layout: queue beside the box.
 * @csspart launcher - The patient's compact floating button ("Chat") that re-opens a minimized or closed box; fixed at the viewport's bottom right (set `position` on this part to place it yourself).
 * @csspart launcher-badge - The launcher's count of new care-team messages ("2 new"); also a `badge`.
 * @csspart badge - An unread count (launcher and queue).
 * @csspart empty - The provider's placeholder when no box is open.
 * @csspart queue - The list of patients.
 * @csspart queue-item - One patient.
 * @csspart queue-status - Their status line.
 * @csspart dismiss-button - Removes a patient who has left from the queue.
 * @csspart notify-toggle - Sound and desktop notifications on/off.
 * @csspart box - A chat box.
 * @csspart header - Its header.
 * @csspart title - Its title.
 * @csspart status - Its presence line.
 * @csspart minimize-button - Minimize/restore.
 * @csspart close-button - Close.
 * @csspart end-button - "End chat": asks first.
 * @csspart end-confirm - The inline question "End this chat?".
 * @csspart end-confirm-button - Its "End chat", which ends the chat.
 * @csspart end-cancel-button - Its "Keep chatting" (Escape does the same).
 * @csspart end-save - In that question, "Save transcript first" and its formats.
 * @csspart save-transcript - Care team: "Save transcript" (box header; in the queue, for a patient who left or whose chat ended).
 * @csspart save-transcript-menu - The formats it shows; Escape hides them.
 * @csspart save-transcript-text - Saves the transcript as plain text.
 * @csspart save-transcript-fhir - Saves the transcript as a FHIR R4 Bundle (JSON).
 * @csspart messages - The message log.
 * @csspart message - A message (with `message-mine` or `message-theirs`).
 * @csspart author - Sender's name.
 * @csspart delivery - Delivery status (`delivery-failed` when failed).
 * @csspart attachment - An attachment: an image's thumbnail (opens the viewer), a PDF's link (opens it in a new tab), another file's download link.
 * @csspart attachment-download - "Download" beside a PDF's link.
 * @csspart image-viewer - The full-size image viewer (a modal dialog; Escape closes it).
 * @csspart image-viewer-image - The image in it, scaled down to fit the viewport.
 * @csspart image-viewer-download - Its "Download" link.
 * @csspart image-viewer-close - Its "Close" button.
 * @csspart typing - The typing line.
 * @csspart banner - Chat ended / patient left.
 * @csspart composer - The composer.
 * @csspart input - The textarea.
 * @csspart attach-button - Attach.
 * @csspart send-button - Send.
 * @csspart file-chip - A picked file.
 * @csspart error - Why something was not sent.
 *
 * @cssproperty --clinic-chat-background - Box background.
 * @cssproperty --clinic-chat-surface - Headers, queue and banners.
 * @cssproperty --clinic-chat-color - Text colour.
 * @cssproperty --clinic-chat-muted-color - Secondary text.
 * @cssproperty --clinic-chat-border-color - Borders.
 * @cssproperty --clinic-chat-accent - Brand colour: send button, launcher, focus of the current patient.
 * @cssproperty --clinic-chat-accent-contrast - Text on the accent colour.
 * @cssproperty --clinic-chat-mine-background - Own message bubbles.
 * @cssproperty --clinic-chat-mine-color - Text of own bubbles.
 * @cssproperty --clinic-chat-theirs-background - Others' bubbles.
 * @cssproperty --clinic-chat-theirs-color - Text of others' bubbles.
 * @cssproperty --clinic-chat-badge-background - Unread badges.
 * @cssproperty --clinic-chat-badge-color - Badge text.
 * @cssproperty --clinic-chat-danger-color - Failures and "End chat".
 * @cssproperty --clinic-chat-focus-ring - Keyboard focus outline.
 * @cssproperty --clinic-chat-radius - Corner radius.
 * @cssproperty --clinic-chat-font - Font family.
 * @cssproperty --clinic-chat-font-size - Base font size.
 * @cssproperty --clinic-chat-height - Height of the box or provider layout.
 * @cssproperty --clinic-chat-z-index - Stacking level of the floating launcher and the full-screen patient chat (default 1000).
 */
export class ClinicChat extends LitElement {
  static override styles = [themeTokens, base, styles];

  /** Registers the elements; a host may choose another tag for the outer one. Safe to call twice. */
  static define(tag = 'clinic-chat'): void {
    ClinicChatQueue.define();
    ClinicChatBox.define();
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  /** The hub's WebSocket URL (e.g. `wss://chat.example.com/v1/ws`). Absent: ephemeral mode, no server. */
  @property() hub?: string;
  /** Hub mode: the identity token signed by the vendor's backend. A new one is used at the next connect or refresh; a token for another person starts a new session. */
  @property() token?: string;
  /** Hub mode: returns a fresh token; called before each connect and before the current token expires. Replacing the function keeps the session: the new one is called next time. */
  @property({ attribute: false }) getToken?: () => string | Promise<string>;
  /** `patient` or `provider`. (Not `role`, which is the ARIA attribute every element already has.) In hub mode the token decides. */
  @property({ attribute: 'chat-role', reflect: true }) chatRole: Role = 'patient';
  /** The local transport's room: tabs of one origin with the same room talk to each other. */
  @property() room = 'default';
  /** The visit (call) this chat belongs to. A new visit is a new call. */
  @property() visit?: string;
  /** `session`: keep threads until the page goes. `view`: erase a thread when it leaves the screen. */
  @property() retention: Retention = 'session';
  /** The person using this widget, `{ id, name }`; as an attribute, JSON. Compared by value: an equal object (a framework re-render) keeps the session; a new `id` starts a new one. */
  @property({ type: Object }) me?: ChatIdentity;
  /** A custom transport (e.g. `new PortTransport(dataChannel)`); the default is the local transport on `room`. */
  @property({ attribute: false }) transport?: Transport;
  /** The patients waiting, when the host owns the queue. */
  @property({ attribute: false }) queue?: readonly QueueEntry[];
  /** Largest attachment in bytes. */
  @property({ type: Number, attribute: 'max-file-size' }) maxFileSize = DEFAULT_MAX_FILE_BYTES;
  /** Sound and desktop notifications for new messages (the user can toggle them). */
  @property({ type: Boolean }) notifications = false;
  /** Title of the patient's box. */
  @property() heading = 'Chat with your care team';
  /** The clinic named in a transcript the care team saves; default "Clinic". */
  @property({ attribute: 'clinic-name' }) clinicName?: string;
  /**
   * `auto`: on a narrow viewport (a phone, up to 480px wide) the patient's chat starts folded into
   * the launcher and, opened, covers the viewport, so it never sits below the page. `never`: it
   * stays where the page puts it, at every width.
   */
  @property({ reflect: true }) fullscreen: 'auto' | 'never' = 'auto';
  /** `light`, `dark` or `auto` (follows the system). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  @query('clinic-chat-box') private box?: ClinicChatBox;
  @query('clinic-chat-queue') private queueEl?: ClinicChatQueue;
  @query('[part~="launcher"]') private launcher?: HTMLButtonElement;

  private readonly session = new SessionController(this);
  private readonly alerts = new AlertsController(this, this.session);
  private readonly announcer = new AnnouncerController(this, this.session);

  constructor() {
    super();
    new PageLifecycleController(this, this.session);
    this.session.onSession((core) => {
      const refocus = ({ thread }: { thread: string }) => {
        if (this.matches(':focus-within')) void this.refocus(thread);
      };
      // A patient chosen in the queue (focus is on their entry): focus goes on to the composer.
      // An opening the user did not choose (a message re-opened a minimized box) leaves focus.
      const focusChosen = ({ thread }: { thread: string }) => {
        if (this.queueEl?.focusedPatient === thread) void this.focusBox();
      };
      let alerts = core.state.notifications;
      const offs = [
        core.events.on('close', refocus),
        core.events.on('minimize', refocus),
        core.events.on('open', focusChosen),
        core.subscribe(({ notifications }) => {
          if (notifications !== alerts) this.followAlerts((alerts = notifications));
        }),
      ];
      // On a phone an open chat covers the page: it waits in the launcher until the patient opens it.
      if (core.role === 'patient' && this.fullscreen !== 'never' && matchMedia(NARROW_VIEWPORT).matches) core.minimize();
      return () => offs.forEach((off) => off());
    });
  }

  /** The current chat state (read-only snapshot). */
  get state(): ChatState | undefined {
    return this.session.core?.state;
  }

  /** Opens a patient's chat (provider) or the patient's own box, and puts focus in its composer. */
  async open(patientId?: string): Promise<void> {
    this.session.core?.open(patientId);
    await this.focusBox();
  }

  minimize(): void {
    this.session.core?.minimize();
  }

  close(): void {
    this.session.core?.close();
  }

  /** Sends on the open chat. Rejects with a ProtocolError (code too-large, unsupported-type, chat-ended…) and changes nothing. */
  send(text: string, files?: readonly Blob[]): Promise<ChatMessage> {
    const core = this.session.core;
    if (!core) return Promise.reject(new Error('clinic-chat is not connected'));
    return core.send(text, files);
  }

  /** Ends the chat: the open patient's (provider) or one's own (patient). */
  end(): void {
    this.session.core?.end();
  }

  protected override render() {
    const state = this.session.view.state;
    if (!state) return nothing;
    return html`${state.role === 'provider' ? this.renderProvider(state) : this.renderPatient(state)}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcer.text}</div>`;
  }

  private renderProvider(state: ChatState) {
    const thread = state.threads.find((t) => t.id === state.active);
    return html`<div part="layout">
      <clinic-chat-queue
        exportparts="queue, queue-item, queue-status, queue-waiting, queue-preview, badge, dismiss-button, notify-toggle, save-transcript, save-transcript-menu, save-transcript-text, save-transcript-fhir"
        .core=${this.session.core}
        .state=${state}
        .clinicName=${this.clinicName}
      ></clinic-chat-queue>
      ${thread && state.box !== 'closed'
        ? this.renderBox(state, thread.id)
        : html`<p part="empty">${state.threads.length ? 'Choose a patient to chat with.' : 'Patients appear here when they join the queue.'}</p>`}
    </div>`;
  }

  private renderPatient(state: ChatState) {
    const thread = state.threads[0];
    // A minimized box stays in the DOM (hidden), so a half-written draft survives; a closed one goes.
    const box = state.box === 'closed' ? nothing : html`<div class="patient" ?hidden=${state.box !== 'open'}>${this.renderBox(state, thread.id)}</div>`;
    const launcher = state.box === 'open' ? nothing : this.renderLauncher(thread.unread);
    return html`${box}${launcher}`;
  }

  /** The compact floating button of a minimized or closed patient chat: "Chat", and "2 new" while the care team's messages wait. */
  private renderLauncher(unread: number) {
    return html`<button part="launcher" type="button" title=${this.heading} @click=${() => this.open()}>
      ${icons.chat}<span>Chat</span>${unread
        ? html`<span class="visually-hidden">, </span><span part="badge launcher-badge">${unread > 99 ? '99+' : unread} new</span>`
        : nothing}
    </button>`;
  }

  private renderBox(state: ChatState, threadId: string) {
    return html`<clinic-chat-box
      exportparts="box, header, title, status, minimize-button, close-button, end-button, end-confirm, end-confirm-button, end-cancel-button, end-save, save-transcript, save-transcript-menu, save-transcript-text, save-transcript-fhir, messages, earlier-button, message, message-mine, message-theirs, group-first, group-last, date-separator, avatar, author, link, time, delivery, delivery-failed, attachment, attachment-download, image-viewer, image-viewer-image, image-viewer-download, image-viewer-close, typing, banner, composer, input, attach-button, send-button, file-chip, error"
      .core=${this.session.core}
      .state=${state}
      .thread=${state.threads.find((t) => t.id === threadId)}
      heading=${this.heading}
      .clinicName=${this.clinicName}
      ?minimized=${state.box === 'minimized'}
      @keydown=${this.onBoxKeydown}
    ></clinic-chat-box>`;
  }

  /** After a box closes or folds, focus goes where the user can continue: the patient's queue entry, the launcher, or the restore button. */
  private async refocus(thread: string): Promise<void> {
    await this.updateComplete;
    if (this.chatRole === 'patient') this.launcher?.focus();
    else if (this.session.core?.state.box === 'minimized') await this.box?.focusRestore();
    else this.queueEl?.focusPatient(thread);
  }

  private async focusBox(): Promise<void> {
    await this.updateComplete;
    await this.box?.focusInput();
  }

  /**
   * The core's alerts changed. From the user's toggle (a call on the core from the queue) this
   * becomes the element's `notifications` and, when it turns them on, the permission request,
   * still inside the user's click. From the host's `notifications`, which already says so, nothing.
   */
  private followAlerts(on: boolean): void {
    if (on === this.notifications) return;
    this.notifications = on;
    if (on) this.alerts.requestPermission();
  }

  private onBoxKeydown = (event: KeyboardEvent): void => {
    const core = this.session.core;
    if (event.key === 'Escape' && core?.state.box === 'open') {
      event.stopPropagation();
      core.minimize();
    }
  };
}
