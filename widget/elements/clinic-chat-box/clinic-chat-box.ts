// One chat box: header with the box's actions, the message log and the composer.
// Renders a thread from the core's state; every action is a call on the core.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { keyed } from 'lit/directives/keyed.js';
import type { ChatCore } from '../../core/chat-core.js';
import type { ChatState, ThreadState } from '../../core/types.js';
import { displayName } from '../../format.js';
import type { Note } from '../../../protocol/inbox.js';
import type { TimelineEvent } from '../../../protocol/timeline.js';
import { ClinicChatComposer, type NoteWriting } from '../clinic-chat-composer/clinic-chat-composer.js';
import { icons } from '../icons.js';
import { blockedText, peerStateText } from '../peer-state-text.js';
import { SaveTranscriptController, canSaveTranscript } from '../controllers/save-transcript.js';
import { base } from '../theme.js';
import { styles } from './clinic-chat-box.styles.js';
import { EndConfirmController } from './end-confirm.js';
import { ImageViewerController } from './image-viewer.js';
import { viewerStyles } from './image-viewer.styles.js';
import { messageList, type AttachmentActions } from './message-list.js';
import { messageStyles } from './message-list.styles.js';
import { MessageWindowController } from './window-controller.js';

/**
 * A chat box for one thread.
 *
 * @summary Header, message log and composer of one conversation.
 * @tag clinic-chat-box
 * @csspart box - The box.
 * @csspart header - The header bar with title, status and actions.
 * @csspart title - The box title: the patient's name, or the patient's heading.
 * @csspart status - Presence line under the title.
 * @csspart minimize-button - Minimizes (or restores) the box.
 * @csspart close-button - Closes the box.
 * @csspart end-button - Asks whether to end the chat (care team only).
 * @csspart end-confirm - The inline question "End this chat?" under the header.
 * @csspart end-confirm-button - Its "End chat": ends the chat for both sides.
 * @csspart end-cancel-button - Its "Keep chatting" (or Escape): withdraws the question.
 * @csspart end-save - In that question, "Save transcript first" with a button per format (care team only).
 * @csspart save-transcript - Shows the transcript's formats (care team only, while the thread has messages; also after the chat ended).
 * @csspart save-transcript-menu - The formats under the header; Escape hides them.
 * @csspart save-transcript-text - Saves the transcript as a plain-text file.
 * @csspart save-transcript-fhir - Saves the transcript as a FHIR R4 Bundle (JSON).
 * @csspart messages - The message log (an ARIA live log).
 * @csspart earlier-button - "Show earlier messages", above the first rendered message of a long thread.
 * @csspart message - One message; also `message-mine` or `message-theirs`, and `group-first` / `group-last` on the first and last message of a run by one author.
 * @csspart date-separator - "Today", "Yesterday" or a date, above the first message of a day.
 * @csspart avatar - The sender's initials, on the first message of a group.
 * @csspart author - The sender's name, on the first message of a group.
 * @csspart text - A message's text.
 * @csspart link - An http(s) link in a message's text; opens in a new tab.
 * @csspart time - When a message was sent, on the last message of a group.
 * @csspart delivery - Delivery status of an own message; `delivery-failed` when it failed.
 * @csspart attachment - An attachment: an image's thumbnail (opens the image viewer), a PDF's link (opens it in a new tab), another file's download link.
 * @csspart attachment-download - "Download" beside a PDF's link.
 * @csspart image-viewer - The full-size image viewer, a modal dialog; Escape or its Close button closes it.
 * @csspart image-viewer-image - The image in it, at its natural size, scaled down to fit the viewport.
 * @csspart image-viewer-download - Its "Download" link.
 * @csspart image-viewer-close - Its "Close" button; focus returns to the thumbnail.
 * @csspart typing - The "is typing" line.
 * @csspart banner - Says that the chat has ended or the patient has left.
 * @csspart note - A staff-only note in the timeline (shared inbox).
 * @csspart event - A timeline event as a compact card (shared inbox, staff only); also `event-<kind>` (`event-assigned`, `event-call`, `event-email`…).
 * @csspart event-text - What happened ("Dr Lee assigned this to Front desk").
 * @csspart event-detail - A call's duration or an email's snippet.
 * @csspart event-link - The vendor's link: a call's recording, the email.
 */
export class ClinicChatBox extends LitElement {
  static override styles = [base, styles, messageStyles, viewerStyles];

  static define(tag = 'clinic-chat-box'): void {
    ClinicChatComposer.define();
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  @property({ attribute: false }) core?: ChatCore;
  @property({ attribute: false }) state?: ChatState;
  @property({ attribute: false }) thread?: ThreadState;
  /** The title the patient sees. */
  @property() heading = 'Chat with your care team';
  /** The shared inbox draws its own header with the conversation's actions. */
  @property({ type: Boolean, attribute: 'no-header' }) noHeader = false;
  /** The shared inbox: staff-only notes, shown in the timeline among the messages. */
  @property({ attribute: false }) notes: readonly Note[] = [];
  /** The shared inbox: the conversation's events (assigned, closed, a call…), shown as compact cards in the timeline. */
  @property({ attribute: false }) events: readonly TimelineEvent[] = [];
  /** The shared inbox: the reader's staff id, so their own events read "You …". */
  @property({ attribute: false }) readerId?: string;
  /** The shared inbox: the composer also writes notes. */
  @property({ attribute: false }) noteWriting?: NoteWriting;
  /** Set when the reader may not write here (their role): the composer gives way to this line. */
  @property({ attribute: false }) readOnlyReason?: string;
  @property({ type: Boolean, reflect: true }) minimized = false;
  /** The clinic named in a saved transcript; default "Clinic". */
  @property({ attribute: 'clinic-name' }) clinicName?: string;

  @query('clinic-chat-composer') private composer?: ClinicChatComposer;
  @query('[part~="messages"]') private log?: HTMLElement;
  @query('[part~="minimize-button"]') private minimizeButton?: HTMLButtonElement;

  /** Object URLs for attachment previews, revoked when their message leaves the view. */
  private readonly urls = new Map<Blob, string>();
  private readonly endConfirm = new EndConfirmController(this, () => this.core?.end());
  private readonly saver = new SaveTranscriptController(this, () => this.clinicName);
  private readonly viewer = new ImageViewerController(this);
  private stickToBottom = true;
  private lastScrollTop = 0;
  /** A long thread renders its newest page; earlier pages on request. */
  private readonly resizes = new ResizeObserver(() => this.followBottom());
  private sizedLog: HTMLElement | undefined;
  private readonly window = new MessageWindowController(this, () => this.log ?? undefined);
  /** Index of the first message rendered. */
  private from = 0;

  async focusInput(): Promise<void> {
    await this.updateComplete;
    await this.composer?.updateComplete;
    this.composer?.focus();
  }

  async focusRestore(): Promise<void> {
    await this.updateComplete;
    this.minimizeButton?.focus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // An image grows the log after render; load does not bubble, so listen in the capture phase.
    this.renderRoot.addEventListener('load', this.onContentLoad, true);
    this.renderRoot.addEventListener('scroll', this.onScroll, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.renderRoot.removeEventListener('load', this.onContentLoad, true);
    this.renderRoot.removeEventListener('scroll', this.onScroll, true);
    this.resizes.disconnect();
    this.sizedLog = undefined;
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }

  /**
   * Only the user's scrolling moves the pin: scrolling up releases it, reaching the bottom sets it.
   * Content growing under the view (an image decoding) leaves scrollTop alone and so keeps it.
   */
  private readonly onScroll = (e: Event): void => {
    if (e.target !== this.log || !this.log) return;
    const { scrollTop, scrollHeight, clientHeight } = this.log;
    if (scrollHeight - scrollTop - clientHeight < 40) {
      this.stickToBottom = true;
      this.window.settle();
    } else if (scrollTop < this.lastScrollTop) this.stickToBottom = false;
    this.lastScrollTop = scrollTop;
  };

  private readonly onContentLoad = (): void => this.followBottom();

  /** While pinned, the newest message stays in view: after a render, an image load, the log resizing. */
  private followBottom(): void {
    if (!this.stickToBottom || !this.log) return;
    this.log.scrollTop = this.log.scrollHeight;
    this.lastScrollTop = this.log.scrollTop;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('thread') as ThreadState | undefined;
    const switched = changed.has('thread') && previous?.id !== this.thread?.id;
    if (switched || this.minimized) {
      this.endConfirm.reset();
      this.saver.reset();
      this.viewer.reset();
    }
    // The viewer goes with its image: an erased thread's URLs are revoked after this render.
    const viewed = this.viewer.image?.blob;
    if (viewed && !this.thread?.messages.some((m) => m.attachments.some((a) => a.blob === viewed))) this.viewer.reset();
    // An erased thread has nothing to save: its format choice must not come back with new messages.
    if (!this.thread || !canSaveTranscript(this.thread)) this.saver.reset();
    if (switched) {
      this.window.reset();
      this.stickToBottom = true;
    }
    this.from = this.window.observe(this.thread?.messages.length ?? 0, this.stickToBottom);
  }

  protected override updated(): void {
    // The composer and a host's layout settle after a render: the log can shrink under the view.
    if (this.log !== this.sizedLog) {
      this.resizes.disconnect();
      this.sizedLog = this.log ?? undefined;
      if (this.sizedLog) this.resizes.observe(this.sizedLog);
    }
    this.followBottom();
    this.releaseUrls();
  }

  protected override render() {
    const thread = this.thread;
    const state = this.state;
    if (!thread || !state) return nothing;
    const patientView = state.role === 'patient';
    const name = displayName(thread.patient.name);
    const title = patientView ? this.heading : name;
    const blocked = blockedText(thread.peerState, name);
    const typing = typingText(thread.typing.map(displayName));
    const canEnd = !patientView && !thread.ended && thread.present && !this.minimized;
    // Saving needs no hub: it is made from this page's memory, and stays offered after the chat ended.
    const canSave = !patientView && !this.minimized && canSaveTranscript(thread);
    const from = this.from;
    return html`
      <section part="box" aria-label=${patientView ? this.heading : `Chat with ${name}`} @keydown=${this.endConfirm.onKeydown}>
        ${this.noHeader ? nothing : this.renderHeader(title, thread, state, canEnd, canSave)}
        ${canSave && !this.noHeader ? this.saver.renderMenu(thread) : nothing}
        ${this.endConfirm.render(
          canEnd,
          canSave
            ? html`<div part="end-save" role="group" aria-labelledby="end-save-label">
                <span id="end-save-label">Save transcript first</span>
                ${this.saver.renderFormats(thread)}
              </div>`
            : nothing,
        )}
        <!-- Kept (hidden) while minimized, so a half-written draft survives. -->
        <div class="body" ?hidden=${this.minimized}>
              <div part="messages" role="log" aria-label="Messages" tabindex="0">
                ${thread.cleared
                  ? html`<p class="empty">Earlier messages were cleared.</p>`
                  : thread.messages.length === 0
                    ? html`<p class="empty">${patientView ? 'Send a message to the care team.' : 'No messages yet.'}</p>`
                    : nothing}
                ${this.window.render(from)}
                ${guard([thread.messages, from, this.notes, this.events, this.readerId], () =>
                  messageList(thread.messages, this.attachments, from, { notes: this.notes, events: this.events, ...(this.readerId && { me: this.readerId }) }),
                )}
              </div>
              <p part="typing" aria-live="off" title=${typing || nothing}>${typing}</p>
              ${blocked ? html`<p part="banner" role="status">${blocked}</p>` : nothing}
              ${this.readOnlyReason
                ? html`<p part="banner read-only" role="note">${this.readOnlyReason}</p>`
                : keyed(
                // A composer per thread: a draft and its files never follow the provider to the next patient.
                thread.id,
                html`<clinic-chat-composer
                  exportparts="composer, input, attach-button, send-button, file-chip, error, mode-reply, mode-note, mention-list, mention-option, mention-option-active"
                  .core=${this.core}
                  .notes=${this.noteWriting}
                  ?disabled=${Boolean(blocked)}
                  disabled-reason=${blocked ?? ''}
                ></clinic-chat-composer>`,
              )}
        </div>
        ${this.viewer.render()}
      </section>
    `;
  }

  private renderHeader(title: string, thread: ThreadState, state: ChatState, canEnd: boolean, canSave: boolean) {
    return html`<header part="header">
          <div class="heading">
            <h2 part="title" title=${title}>${title}</h2>
            <span part="status">${peerStateText(thread.peerState, state.role)}</span>
          </div>
          <div class="actions">
            ${canSave ? this.saver.renderButton(thread, 'Save transcript') : nothing}
            ${canEnd
              ? html`<button
                  part="end-button"
                  type="button"
                  aria-expanded=${this.endConfirm.asking ? 'true' : 'false'}
                  aria-controls="end-confirm"
                  @click=${() => this.endConfirm.toggle()}
                >
                  End chat
                </button>`
              : nothing}
            <button
              part="minimize-button"
              type="button"
              aria-label=${this.minimized ? 'Restore chat' : 'Minimize chat'}
              aria-expanded=${this.minimized ? 'false' : 'true'}
              @click=${() => (this.minimized ? this.restore() : this.core?.minimize())}
            >
              ${this.minimized ? icons.restore : icons.minimize}
            </button>
            <button part="close-button" type="button" aria-label="Close chat" @click=${() => this.core?.close()}>
              ${icons.close}
            </button>
          </div>
        </header>`;
  }

  /** One object: the log's rows are guarded, and a new one each render would re-render them all. */
  private readonly attachments: AttachmentActions = {
    urlFor: (blob) => {
      let url = this.urls.get(blob);
      if (!url) this.urls.set(blob, (url = URL.createObjectURL(blob)));
      return url;
    },
    open: (image, opener) => this.viewer.show(image, opener),
  };

  /** Revokes preview URLs of attachments no longer shown (an erased thread frees its bytes). */
  private releaseUrls(): void {
    if (this.urls.size === 0) return;
    const live = new Set(this.thread?.messages.flatMap((m) => m.attachments.map((a) => a.blob)) ?? []);
    for (const [blob, url] of this.urls) {
      if (!live.has(blob)) {
        URL.revokeObjectURL(url);
        this.urls.delete(blob);
      }
    }
  }

  /** Restoring is for writing: focus goes to the composer once the body is shown again. */
  private restore(): void {
    if (!this.thread) return;
    this.core?.open(this.thread.id);
    void this.focusInput();
  }
}

function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
}
