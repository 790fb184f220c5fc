// The message composer: text, attachments with previews, and the send action.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ATTACHMENT_TYPES, LIMITS, ProtocolError } from '../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { displayName } from '../../format.js';
import { icons } from '../icons.js';
import { base } from '../theme.js';
import { styles } from './clinic-chat-composer.styles.js';

interface Picked {
  file: File;
  url?: string;
}

/**
 * The composer inside a chat box. Enter sends, Shift+Enter starts a new line.
 *
 * @summary Message input with attachments.
 * @tag clinic-chat-composer
 * @csspart composer - The composer's container.
 * @csspart input - The message textarea.
 * @csspart attach-button - Opens the file picker.
 * @csspart send-button - Sends the message.
 * @csspart file-chip - One picked attachment, with its preview and remove button.
 * @csspart error - Why a file or message could not be sent.
 */
export class ClinicChatComposer extends LitElement {
  static override styles = [base, styles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static define(tag = 'clinic-chat-composer'): void {
    if (!customElements.get(tag)) customElements.define(tag, this);
  }

  @property({ attribute: false }) core?: ChatCore;
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** Why sending is disabled, read out to screen readers with the input. */
  @property({ attribute: 'disabled-reason' }) disabledReason = '';

  @state() private files: Picked[] = [];
  @state() private error = '';
  @state() private busy = false;
  @query('textarea') private input!: HTMLTextAreaElement;
  @query('input[type=file]') private picker!: HTMLInputElement;

  override focus(options?: FocusOptions): void {
    this.input?.focus(options);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.clearFiles();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('disabled') && this.disabled) this.error = '';
  }

  protected override render() {
    const length = this.input?.value.length ?? 0;
    return html`
      <div part="composer">
        ${this.files.length
          ? html`<ul class="files" aria-label="Attachments to send">
              ${this.files.map(
                (f, i) => html`<li part="file-chip">
                  ${f.url ? html`<img src=${f.url} alt="" />` : nothing}
                  <span title=${displayName(f.file.name)}>${displayName(f.file.name)}</span>
                  <button type="button" aria-label=${`Remove ${displayName(f.file.name)}`} @click=${() => this.removeFile(i)}>✕</button>
                </li>`,
              )}
            </ul>`
          : nothing}
        <div class="row">
          <button
            part="attach-button"
            type="button"
            aria-label="Attach a photo or PDF"
            ?disabled=${this.disabled}
            @click=${() => this.picker.click()}
          >
            ${icons.attach}
          </button>
          <input type="file" multiple accept=${ATTACHMENT_TYPES.join(',')} tabindex="-1" @change=${this.onPick} />
          <textarea
            part="input"
            rows="1"
            aria-label="Message"
            aria-describedby="hint error"
            placeholder=${this.disabled ? 'Messaging is closed' : 'Write a message…'}
            maxlength=${LIMITS.textChars}
            ?disabled=${this.disabled}
            @keydown=${this.onKeydown}
            @input=${this.onInput}
          ></textarea>
          <button part="send-button" type="button" ?disabled=${this.disabled || this.busy} @click=${this.submit}>Send</button>
        </div>
        <p id="error" part="error" role="alert">${this.error}</p>
        <p id="hint" class="hint">
          ${this.disabled
            ? html`<span class="visually-hidden">${this.disabledReason}</span>`
            : length > LIMITS.textChars * 0.9
              ? `${LIMITS.textChars - length} characters left`
              : html`<span class="visually-hidden">Enter sends, Shift+Enter adds a line.</span>`}
        </p>
      </div>
    `;
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.submit();
    }
  }

  private onInput(): void {
    this.error = '';
    this.core?.setTyping(this.input.value.trim().length > 0);
    this.requestUpdate();
  }

  private async onPick(): Promise<void> {
    const picked = [...(this.picker.files ?? [])];
    this.picker.value = '';
    await this.addFiles(picked);
  }

  /** Adds files after checking type and size; a refused file shows why and is not attached. */
  async addFiles(files: readonly File[]): Promise<void> {
    this.error = '';
    for (const file of files) {
      if (this.files.length >= LIMITS.attachmentsPerMessage) {
        this.error = `At most ${LIMITS.attachmentsPerMessage} files per message.`;
        break;
      }
      const problem = await this.core?.checkFile(file);
      if (problem) {
        this.error = problem.message;
        continue;
      }
      const url = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
      this.files = [...this.files, { file, url }];
    }
  }

  private removeFile(index: number): void {
    const [removed] = this.files.splice(index, 1);
    if (removed?.url) URL.revokeObjectURL(removed.url);
    this.files = [...this.files];
    this.input.focus();
  }

  private clearFiles(): void {
    for (const f of this.files) if (f.url) URL.revokeObjectURL(f.url);
    this.files = [];
  }

  private async submit(): Promise<void> {
    const text = this.input.value;
    if (this.disabled || this.busy || !this.core || (!text.trim() && !this.files.length)) return;
    this.busy = true;
    try {
      await this.core.send(
        text,
        this.files.map((f) => f.file),
      );
      this.input.value = '';
      this.clearFiles();
      this.error = '';
    } catch (error) {
      this.error = error instanceof ProtocolError ? error.message : 'The message could not be sent.';
    } finally {
      this.busy = false;
      this.input.focus();
    }
  }
}
