// The care team's queue: every patient waiting or in the call, with unread badges, how long
// each has waited and a preview of their last message. Renders the core's state; every
// action (open, dismiss, alerts on/off) is a call on the core.
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatCore } from '../../core/chat-core.js';
import type { ChatState, ThreadState } from '../../core/types.js';
import { displayName } from '../../format.js';
import { SaveTranscriptController, canSaveTranscript } from '../controllers/save-transcript.js';
import { icons } from '../icons.js';
import { queueStatusText } from '../peer-state-text.js';
import { base } from '../theme.js';
import { styles } from './clinic-chat-queue.styles.js';

/**
 * The provider's queue of patients. Up and Down arrows move between patients. Like the box
 * and the composer it dispatches no events: choosing a patient, dismissing one and the alerts
 * toggle are calls on `core`, and `<clinic-chat>` follows the core (focus, its `notifications`
 * property).
 *
 * @summary Patient queue with unread badges and the notification toggle.
 * @tag clinic-chat-queue
 * @csspart queue - The queue's list.
 * @csspart queue-item - One patient's button.
 * @csspart queue-status - Under the patient's name, in the box header's words: "Waiting 5 min", "In the video call", "Left", "Chat ended", or "Typing…".
 * @csspart queue-waiting - The status line of a waiting patient, which says how long they have waited ("Waiting 5 min"), updated each minute.
 * @csspart queue-preview - The last message of the thread, on one line.
 * @csspart badge - The unread count of a patient.
 * @csspart dismiss-button - Removes a patient who has left from the queue.
 * @csspart notify-toggle - Turns sound and desktop notifications on or off.
 * @csspart save-transcript - "Save transcript of …" on the row of a patient who left or whose chat ended, while the thread has messages (its box may be closed).
 * @csspart save-transcript-menu - The formats it shows, under the row; Escape hides them.
 * @csspart save-transcript-text - Saves the transcript as plain text.
 * @csspart save-transcript-fhir - Saves the transcript as a FHIR R4 Bundle (JSON).
 */
export class ClinicChatQueue extends LitElement {
  static override styles = [base, styles];

  static define(tag = 'clinic-chat-queue'): void {
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  @property({ attribute: false }) core?: ChatCore;
  @property({ attribute: false }) state?: ChatState;
  /** The clinic named in a saved transcript; default "Clinic". */
  @property({ attribute: 'clinic-name' }) clinicName?: string;

  private readonly saver = new SaveTranscriptController(this, () => this.clinicName);

  /** The clock the waiting times are read against; ticks once a minute while connected. */
  @state() private now = Date.now();
  private clock?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    super.connectedCallback();
    this.now = Date.now();
    this.clock = setInterval(() => (this.now = Date.now()), 60_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
    this.clock = undefined;
  }

  protected override willUpdate(): void {
    // A patient dismissed or back, or a thread erased, takes its open format choice with it.
    const open = this.saver.openFor;
    const thread = open === null ? undefined : this.state?.threads.find((t) => t.id === open);
    if (open !== null && (!thread || !offersSave(thread))) this.saver.reset();
  }

  /** Moves focus to a patient's entry (after their box closes). */
  focusPatient(id: string): void {
    this.renderRoot.querySelector<HTMLButtonElement>(`[data-id="${CSS.escape(id)}"]`)?.focus();
  }

  /** The patient whose entry has focus: the one just chosen, whose box should take focus next. */
  get focusedPatient(): string | undefined {
    const focused = this.shadowRoot?.activeElement as HTMLElement | null | undefined;
    return focused?.matches('[part~="queue-item"]') ? focused.dataset.id : undefined;
  }

  protected override render() {
    const state = this.state;
    if (!state) return nothing;
    const threads = state.threads;
    // A div, not <header>: outside a sectioning element a <header> is a banner landmark, a
    // second one on a host page that has its own.
    return html`
      <div class="header">
        <h2 id="queue-title">Patients<span class="visually-hidden"> in the queue</span> (${threads.length})</h2>
        <button
          part="notify-toggle"
          type="button"
          aria-pressed=${state.notifications ? 'true' : 'false'}
          @click=${this.toggleNotifications}
        >
          Alerts ${state.notifications ? 'on' : 'off'}
        </button>
      </div>
      ${threads.length === 0
        ? html`<p class="empty">No patients waiting.</p>`
        : html`<ul part="queue" aria-labelledby="queue-title" @keydown=${this.onKeydown}>
            ${repeat(
              threads,
              (t) => t.id,
              (t) => this.renderItem(t, state),
            )}
          </ul>`}
    `;
  }

  private renderItem(t: ThreadState, state: ChatState) {
    const typing = t.present && !t.ended && t.typing.length > 0;
    const status = typing ? 'Typing…' : queueStatusText(t.peerState, this.now - t.arrivedAt);
    const unread = t.unread ? `, ${t.unread} unread` : '';
    const current = state.active === t.id && state.box !== 'closed';
    const name = displayName(t.patient.name);
    const previewText = t.lastMessage ? preview(t) : '';
    return html`<li>
      <button
        part="queue-item"
        type="button"
        data-id=${t.id}
        data-present=${String(t.present)}
        aria-current=${current ? 'true' : 'false'}
        aria-label=${`${name}${unread}, ${status.toLowerCase()}`}
        @click=${this.pick}
      >
        <span class="who">
          <span class="name" title=${name}>${name}</span>
          <span part=${!typing && t.peerState === 'waiting' ? 'queue-status queue-waiting' : 'queue-status'}>${status}</span>
          ${previewText ? html`<span part="queue-preview" title=${previewText}>${previewText}</span>` : nothing}
        </span>
        ${t.unread ? html`<span part="badge" aria-hidden="true">${t.unread > 99 ? '99+' : t.unread}</span>` : nothing}
      </button>
      ${offersSave(t) ? this.saver.renderButton(t, `Save transcript of ${name}`, icons.download) : nothing}
      ${t.present
        ? nothing
        : html`<button part="dismiss-button" type="button" aria-label=${`Dismiss ${name}`} @click=${() => this.core?.dismiss(t.id)}>
            ${icons.close}
          </button>`}
      ${offersSave(t) ? this.saver.renderMenu(t) : nothing}
    </li>`;
  }

  private readonly pick = (event: Event): void => {
    const button = event.currentTarget as HTMLButtonElement;
    // Safari does not focus a clicked button; focus on the chosen entry is how <clinic-chat>
    // knows this opening was the user's choice and moves focus into the box.
    button.focus();
    this.core?.open(button.dataset.id);
  };

  private toggleNotifications(): void {
    this.core?.setNotifications(!this.state?.notifications);
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[part~="queue-item"]')];
    const at = items.indexOf(this.renderRoot.querySelector(':focus') as HTMLButtonElement);
    const next =
      event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)));
    items[next]?.focus();
    event.preventDefault();
  }
}

/** The queue offers saving once the chat is over (the patient left, or it ended): the box may be closed by then. */
function offersSave(t: ThreadState): boolean {
  return (!t.present || t.ended) && canSaveTranscript(t);
}

function preview(t: ThreadState): string {
  const m = t.lastMessage!;
  const body = m.text || m.attachments.map((a) => displayName(a.name)).join(', ');
  return m.mine ? `You: ${body}` : body;
}
