// <clinic-chat>: the embeddable chat. Owns one ChatCore for its lifetime in the page and
// renders its state; the inner elements only render and call the core.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { nanoid } from 'nanoid';
import type { Role } from '../../../protocol/index.js';
import { DEFAULT_MAX_FILE_BYTES } from '../../core/attachments.js';
import { ChatCore } from '../../core/chat-core.js';
import type { ChatMessage, ChatState, CoreEventMap, QueueEntry, Retention } from '../../core/types.js';
import { HubTransport, readTokenClaims } from '../../transports/hub.js';
import { LocalTransport } from '../../transports/local.js';
import type { Transport } from '../../transports/transport.js';
import { ClinicChatBox } from '../clinic-chat-box/clinic-chat-box.js';
import { ClinicChatQueue } from '../clinic-chat-queue/clinic-chat-queue.js';
import { CoreController } from '../core-controller.js';
import { emit } from '../events.js';
import { base, themeTokens } from '../theme.js';
import { styles } from './clinic-chat.styles.js';

/** Who this widget speaks for. The host's own backend decides; the widget never invents identity in hub mode. */
export interface ChatIdentity {
  id: string;
  name: string;
}

const CORE_EVENTS = ['message', 'unread', 'open', 'minimize', 'close', 'ended', 'presence', 'error'] as const;

/**
 * A patient chat for telehealth pages. As `patient` it is one chat box with the care team; as
 * `provider` it is the queue of waiting patients with a chat box for the one in view.
 * In ephemeral mode (the default) messages live only in this page's memory.
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
 * @csspart launcher - The patient's button that re-opens a minimized or closed box.
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
 * @csspart end-button - End chat.
 * @csspart messages - The message log.
 * @csspart message - A message (with `message-mine` or `message-theirs`).
 * @csspart author - Sender's name.
 * @csspart delivery - Delivery status (`delivery-failed` when failed).
 * @csspart attachment - An attachment.
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
  /** Hub mode: the identity token signed by the vendor's backend. Updating it refreshes the session. */
  @property() token?: string;
  /** Hub mode: returns a fresh token; called before each connect and before the current token expires. */
  @property({ attribute: false }) getToken?: () => string | Promise<string>;
  /** `patient` or `provider`. (Not `role`, which is the ARIA attribute every element already has.) In hub mode the token decides. */
  @property({ attribute: 'chat-role', reflect: true }) chatRole: Role = 'patient';
  /** The local transport's room: tabs of one origin with the same room talk to each other. */
  @property() room = 'default';
  /** The visit (call) this chat belongs to. A new visit is a new call. */
  @property() visit?: string;
  /** `session`: keep threads until the page goes. `view`: erase a thread when it leaves the screen. */
  @property() retention: Retention = 'session';
  /** The person using this widget, `{ id, name }`; as an attribute, JSON. */
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
  /** `light`, `dark` or `auto` (follows the system). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  @state() private announcement = '';
  @query('clinic-chat-box') private box?: ClinicChatBox;
  @query('clinic-chat-queue') private queueEl?: ClinicChatQueue;
  @query('[part~="launcher"]') private launcher?: HTMLButtonElement;

  private readonly controller = new CoreController(this);
  private core?: ChatCore;
  private offEvents: Array<() => void> = [];
  private audio?: AudioContext;
  /** Increments on every (re)build, so a hub build that awaited its token does not start after a newer one. */
  private generation = 0;

  /** The current chat state (read-only snapshot). */
  get state(): ChatState | undefined {
    return this.core?.state;
  }

  /** Opens a patient's chat (provider) or the patient's own box, and puts focus in its composer. */
  async open(patientId?: string): Promise<void> {
    this.core?.open(patientId);
    await this.updateComplete;
    await this.box?.focusInput();
  }

  minimize(): void {
    this.core?.minimize();
  }

  close(): void {
    this.core?.close();
  }

  /** Sends on the open chat. Rejects with a ProtocolError (code too-large, unsupported-type, chat-ended…) and changes nothing. */
  send(text: string, files?: readonly Blob[]): Promise<ChatMessage> {
    if (!this.core) return Promise.reject(new Error('clinic-chat is not connected'));
    return this.core.send(text, files);
  }

  /** Ends the chat: the open patient's (provider) or one's own (patient). */
  end(): void {
    this.core?.end();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
    // The first build waits for the first update (willUpdate): properties a host set before the
    // element was defined (`getToken`, `transport`, `me`…) are only applied to it then.
    if (!this.core && this.hasUpdated) this.build();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
    // A framework that moves the element re-connects it in the same task: keep the chat then.
    queueMicrotask(() => {
      if (!this.isConnected) this.teardown();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.core) {
      if (!this.hasUpdated && this.isConnected) this.build();
      return;
    }
    const keys = this.hub ? ['hub', 'getToken', 'retention', 'maxFileSize'] : ['hub', 'chatRole', 'me', 'room', 'transport', 'retention', 'maxFileSize'];
    const rebuild = keys.some((k) => changed.has(k as keyof ClinicChat));
    if (rebuild && this.hasUpdated) {
      this.teardown();
      this.build();
      return;
    }
    if (changed.has('visit')) this.core.setVisit(this.visit);
    if (changed.has('queue') && this.queue) this.core.setQueue(this.queue);
    if (changed.has('notifications')) this.core.setNotifications(this.notifications);
  }

  protected override render() {
    const state = this.controller.state;
    if (!state) return nothing;
    return html`${state.role === 'provider' ? this.renderProvider(state) : this.renderPatient(state)}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>`;
  }

  private renderProvider(state: ChatState) {
    const thread = state.threads.find((t) => t.id === state.active);
    return html`<div part="layout">
      <clinic-chat-queue
        exportparts="queue, queue-item, queue-status, badge, dismiss-button, notify-toggle"
        .core=${this.core}
        .state=${state}
        @clinic-chat-queue-pick=${(e: CustomEvent<{ id: string }>) => this.open(e.detail.id)}
        @clinic-chat-notifications-change=${this.toggleNotifications}
      ></clinic-chat-queue>
      ${thread && state.box !== 'closed'
        ? this.renderBox(state, thread.id)
        : html`<p part="empty">${state.threads.length ? 'Choose a patient to chat with.' : 'Patients appear here when they join the queue.'}</p>`}
    </div>`;
  }

  private renderPatient(state: ChatState) {
    const thread = state.threads[0];
    if (state.box === 'open') return html`<div class="patient">${this.renderBox(state, thread.id)}</div>`;
    return html`<button part="launcher" type="button" @click=${() => this.open()}>
      ${this.heading}
      ${thread.unread
        ? html`<span part="badge"><span class="visually-hidden">, </span>${thread.unread}<span class="visually-hidden"> unread</span></span>`
        : nothing}
    </button>`;
  }

  private renderBox(state: ChatState, threadId: string) {
    return html`<clinic-chat-box
      exportparts="box, header, title, status, minimize-button, close-button, end-button, messages, message, message-mine, message-theirs, author, delivery, delivery-failed, attachment, typing, banner, composer, input, attach-button, send-button, file-chip, error"
      .core=${this.core}
      .state=${state}
      .thread=${state.threads.find((t) => t.id === threadId)}
      heading=${this.heading}
      ?minimized=${state.box === 'minimized'}
      @keydown=${this.onBoxKeydown}
    ></clinic-chat-box>`;
  }

  private build(): void {
    if (this.hub) {
      void this.buildForHub(this.hub, ++this.generation);
      return;
    }
    if (!this.me) {
      console.warn('[clinic-chat:no-identity] set `me` ({ id, name }); using a random id for this page.');
    }
    const me = this.me ?? { id: `anon-${nanoid(10)}`, name: this.chatRole === 'provider' ? 'Care team' : 'Patient' };
    this.startCore({ id: me.id, name: me.name, role: this.chatRole }, this.transport ?? new LocalTransport(this.room), this.visit);
  }

  /** Hub mode: who this is comes from the vendor's token (the hub verifies it); the widget invents nothing. */
  private async buildForHub(url: string, generation: number): Promise<void> {
    const source = this.getToken ?? (() => this.token ?? '');
    let first: string | undefined;
    try {
      first = await source();
    } catch {
      first = undefined;
    }
    if (generation !== this.generation || !this.isConnected) return;
    const claims = first ? readTokenClaims(first) : {};
    if (!first || !claims.sub) {
      emit(this, 'clinic-chat-error', { code: 'unauthorized', message: 'hub mode needs a token (the `token` attribute or `getToken`)' });
      return;
    }
    const role: Role = claims.role === 'patient' ? 'patient' : 'provider';
    this.chatRole = role;
    let pending: string | undefined = first;
    const getToken = () => {
      const token = pending ?? source();
      pending = undefined;
      return token;
    };
    this.startCore({ id: claims.sub, name: claims.name ?? claims.sub, role }, new HubTransport({ url, getToken }), claims.visit ?? this.visit);
  }

  private startCore(me: { id: string; name: string; role: Role }, transport: Transport, visit: string | undefined): void {
    const core = new ChatCore({
      me,
      transport,
      retention: this.retention,
      visit,
      maxFileBytes: this.maxFileSize,
    });
    this.core = core;
    this.offEvents = CORE_EVENTS.map((name) => core.events.on(name, (detail) => this.onCoreEvent(name, detail)));
    core.setNotifications(this.notifications);
    if (this.queue) core.setQueue(this.queue);
    core.setVisible(document.visibilityState !== 'hidden');
    this.controller.set(core);
    core.start();
  }

  private teardown(): void {
    this.generation++;
    for (const off of this.offEvents) off();
    this.offEvents = [];
    this.core?.stop();
    this.core = undefined;
    this.controller.set(undefined);
    void this.audio?.close();
    this.audio = undefined;
  }

  private onCoreEvent<K extends keyof CoreEventMap>(name: K, detail: CoreEventMap[K]): void {
    emit(this, `clinic-chat-${name}`, detail as never);
    const focusInside = this.matches(':focus-within');
    switch (name) {
      case 'message':
        return this.onIncoming(detail as CoreEventMap['message']);
      case 'close':
      case 'minimize':
        if (focusInside) void this.refocus((detail as CoreEventMap['close']).thread);
        return;
      case 'presence': {
        const { thread, present } = detail as CoreEventMap['presence'];
        if (this.chatRole === 'provider') this.announce(`${this.nameOf(thread)} ${present ? 'joined the queue' : 'has left'}.`);
        return;
      }
      case 'ended':
        this.announce(this.chatRole === 'patient' ? 'This chat has ended.' : `Chat with ${this.nameOf((detail as CoreEventMap['ended']).thread)} ended.`);
        return;
    }
  }

  /** After a box closes or folds, focus goes where the user can continue: the patient's queue entry, the launcher, or the restore button. */
  private async refocus(thread: string): Promise<void> {
    await this.updateComplete;
    if (this.chatRole === 'patient') this.launcher?.focus();
    else if (this.core?.state.box === 'minimized') await this.box?.focusRestore();
    else this.queueEl?.focusPatient(thread);
  }

  private onIncoming({ thread, message }: CoreEventMap['message']): void {
    const state = this.core?.state;
    if (!state || message.from.role === state.role) return;
    const inView = state.active === thread && state.box === 'open' && document.visibilityState !== 'hidden';
    if (!inView) this.announce(`New message from ${message.from.name}.`);
    if (!state.notifications) return;
    this.chime();
    if (!inView && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      // No message text: a desktop notification can show on a shared or locked screen.
      new Notification(`New message from ${message.from.name}`, { tag: `clinic-chat-${thread}` });
    }
  }

  private toggleNotifications(): void {
    const on = !this.core?.state.notifications;
    this.notifications = on;
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
  }

  /** A short two-tone chime made with Web Audio: no sound file to host or to allow in the CSP. */
  private chime(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      [880, 1320].forEach((frequency, i) => {
        const osc = ctx.createOscillator();
        osc.frequency.value = frequency;
        osc.connect(gain);
        osc.start(ctx.currentTime + i * 0.12);
        osc.stop(ctx.currentTime + 0.35);
      });
    } catch {
      // Audio can be unavailable (no device, autoplay policy); the visual badge still counts.
    }
  }

  private announce(text: string): void {
    // Clearing first makes a repeated sentence be read again.
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = text));
  }

  private nameOf(thread: string): string {
    return this.core?.state.threads.find((t) => t.id === thread)?.patient.name ?? 'A patient';
  }

  private onBoxKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.core?.state.box === 'open') {
      event.stopPropagation();
      this.core.minimize();
    }
  };

  private readonly onVisibility = (): void => this.core?.setVisible(document.visibilityState !== 'hidden');
  private readonly onPageHide = (): void => this.core?.stop();
  private readonly onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.core?.start();
  };
}
