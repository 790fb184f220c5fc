// The message composer: text, attachments with previews, and the send action.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ATTACHMENT_TYPES, LIMITS, ProtocolError } from '../../../protocol/index.js';
import type { MentionTarget } from '../../../protocol/inbox.js';
import type { ChatCore } from '../../core/chat-core.js';
import type { Mentionable } from '../../inbox/mentions.js';
import { displayName } from '../../format.js';
import { icons } from '../icons.js';
import { base } from '../theme.js';
import { styles } from './clinic-chat-composer.styles.js';
import { MentionController } from './mention-controller.js';

/** The shared inbox: the composer also writes internal notes (staff only), with @mentions. */
export interface NoteWriting {
  /** Staff and lists a note can mention. */
  mentionables: readonly Mentionable[];
  /** Stores the note; rejects with the refusal, and the text stays. */
  add(text: string, mentions: MentionTarget[]): Promise<void>;
  /** Offered on the send button while nothing is written (the inbox offers "Assign…"). */
  emptyAction?: { label: string; run(): void };
}

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
 * @csspart mode-reply - Shared inbox: writes a reply the patient reads.
 * @csspart mode-note - Shared inbox: writes an internal note only the care team reads.
 * @csspart mention-list - The @mention suggestions under a note.
 * @csspart mention-option - One suggestion; also `mention-option-active` for the one Enter picks.
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
  /** Set (the shared inbox): a Reply / Internal note switch, and notes with @mentions. */
  @property({ attribute: false }) notes?: NoteWriting;
  /** What the next send is: a reply to the patient, or an internal note. */
  @property({ reflect: true }) mode: 'reply' | 'note' = 'reply';

  @state() private files: Picked[] = [];
  @state() private error = '';
  @state() private busy = false;
  @query('textarea') private input!: HTMLTextAreaElement;
  @query('input[type=file]') private picker!: HTMLInputElement;
  private readonly mentions = new MentionController(
    this,
    () => this.input ?? undefined,
    () => this.notes?.mentionables,
  );

  /** The text of the mode not shown. */
  private readonly drafts = { reply: '', note: '' };

  private get noting(): boolean {
    return this.mode === 'note' && Boolean(this.notes);
  }

  override focus(options?: FocusOptions): void {
    this.input?.focus(options);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.clearFiles();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('disabled') && this.disabled) this.error = '';
    if (changed.has('notes') && !this.notes) this.mode = 'reply';
  }

  protected override render() {
    const length = this.input?.value.length ?? 0;
    const noting = this.noting;
    // A note may still be written when the patient can no longer be: it goes to the care team only.
    const disabled = this.disabled && !noting;
    const empty = length === 0 && this.files.length === 0;
    const emptyAction = this.notes?.emptyAction;
    return html`
      <div part="composer" class=${noting ? 'noting' : ''}>
        ${this.notes ? this.renderModes() : nothing}
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
          ${noting
            ? nothing
            : html`<button
                part="attach-button"
                type="button"
                aria-label="Attach a photo or PDF"
                ?disabled=${disabled}
                @click=${() => this.picker.click()}
              >
                ${icons.attach}
              </button>`}
          <input type="file" multiple accept=${ATTACHMENT_TYPES.join(',')} tabindex="-1" @change=${this.onPick} />
          <textarea
            part="input"
            rows="1"
            aria-label=${noting ? 'Internal note' : 'Message'}
            aria-describedby="hint error"
            aria-autocomplete=${noting ? 'list' : nothing}
            aria-controls=${noting && this.mentions.open ? 'mention-list' : nothing}
            aria-activedescendant=${noting && this.mentions.open ? this.mentions.aria.activedescendant : nothing}
            placeholder=${noting ? 'Internal note for the care team. Type @ to mention.' : disabled ? 'Messaging is closed' : 'Write a message…'}
            maxlength=${LIMITS.textChars}
            ?disabled=${disabled}
            @keydown=${this.onKeydown}
            @input=${this.onInput}
            @click=${this.onInput}
          ></textarea>
          ${empty && emptyAction && !disabled
            ? html`<button part="send-button" type="button" @click=${() => emptyAction.run()}>${emptyAction.label}</button>`
            : html`<button part="send-button" type="button" ?disabled=${disabled || this.busy} @click=${this.submit}>${noting ? 'Add note' : 'Send'}</button>`}
        </div>
        ${noting ? this.mentions.render() : nothing}
        <p id="error" part="error" role="alert">${this.error}</p>
        <p id="hint" class="hint">
          ${disabled
            ? html`<span class="visually-hidden">${this.disabledReason}</span>`
            : length > LIMITS.textChars * 0.9
              ? `${LIMITS.textChars - length} characters left`
              : html`<span class="visually-hidden">Enter sends, Shift+Enter adds a line.</span>`}
        </p>
      </div>
    `;
  }

  private renderModes() {
    // Each mode keeps its own draft: a note half-written never becomes a reply by a switch and an Enter.
    const mode = (m: 'reply' | 'note') => () => {
      if (m === this.mode) return this.input?.focus();
      if (this.input) {
        this.drafts[this.mode] = this.input.value;
        this.input.value = this.drafts[m];
      }
      if (m === 'note') this.core?.setTyping(false);
      this.mode = m;
      this.mentions.reset();
      this.error = '';
      this.input?.focus();
    };
    return html`<div class="modes" role="group" aria-label="Write">
      <button part="mode-reply" type="button" aria-pressed=${this.mode === 'reply' ? 'true' : 'false'} @click=${mode('reply')}>Reply</button>
      <button part="mode-note" type="button" aria-pressed=${this.mode === 'note' ? 'true' : 'false'} @click=${mode('note')}>Internal note</button>
    </div>`;
  }

  private onKeydown(event: KeyboardEvent): void {
    if (this.noting && this.mentions.keydown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.submit();
    }
  }

  private onInput(): void {
    this.error = '';
    // A note is not the patient's business: no typing indicator for it.
    if (!this.noting) this.core?.setTyping(this.input.value.trim().length > 0);
    this.mentions.changed(this.noting);
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
    if (this.noting) return this.submitNote();
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

  private async submitNote(): Promise<void> {
    const text = this.input.value;
    if (this.busy || !this.notes || !text.trim()) return;
    this.busy = true;
    try {
      await this.notes.add(text, this.mentions.targets(text));
      this.input.value = '';
      this.mentions.reset();
      this.error = '';
    } catch (error) {
      this.error = error instanceof Error ? `The note was not added: ${error.message}` : 'The note was not added.';
    } finally {
      this.busy = false;
      this.input.focus();
    }
  }
}
