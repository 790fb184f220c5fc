// "Save transcript" for the care team: the choice of format (plain text or a FHIR R4 Bundle) and
// the download. The file is made in the page from the core's memory (widget/core/transcript-of.ts)
// and handed to the browser through a Blob URL on a temporary <a download>, revoked right after:
// nothing goes to any storage or server, so it is safe in ephemeral mode.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { transcriptFile, transcriptOf, type TranscriptFormat } from '../../core/transcript-of.js';
import type { ThreadState } from '../../core/types.js';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: ParentNode };

const FORMATS: ReadonlyArray<{ format: TranscriptFormat; label: string; part: string }> = [
  { format: 'text', label: 'Text', part: 'save-transcript-text' },
  { format: 'fhir', label: 'FHIR JSON', part: 'save-transcript-fhir' },
];

/** Whether a thread has anything to save: a cleared (`view` retention) or empty one has not. */
export function canSaveTranscript(thread: ThreadState): boolean {
  return thread.messages.length > 0;
}

export class SaveTranscriptController implements ReactiveController {
  /** The thread whose format choice is shown, if any. */
  openFor: string | null = null;
  /** Blob URLs handed to the browser and not yet revoked. */
  private readonly urls = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly host: Host,
    private readonly clinicName: () => string | undefined,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.openFor = null;
    for (const [url, timer] of this.urls) {
      clearTimeout(timer);
      URL.revokeObjectURL(url);
    }
    this.urls.clear();
  }

  /** Shows the format choice for a thread (or, pressed again, hides it), focus on its first format. */
  toggle(threadId: string): Promise<void> {
    if (this.openFor === threadId) return this.dismiss();
    this.openFor = threadId;
    return this.focusAfterUpdate(`[part~="save-transcript-menu"] [part~="save-transcript-text"]`);
  }

  /** Hides the choice; focus back on the button that showed it. */
  dismiss(): Promise<void> {
    const id = this.openFor;
    this.openFor = null;
    return this.focusAfterUpdate(`[part~="save-transcript"][data-thread="${CSS.escape(id ?? '')}"]`);
  }

  /** Drops the choice without moving focus (another thread came into the box, it folded). */
  reset(): void {
    this.openFor = null;
  }

  /** The thread's transcript in a format, downloaded as a file. */
  save(thread: ThreadState, format: TranscriptFormat): void {
    const file = transcriptFile(transcriptOf(thread, this.clinicName()), format);
    const url = URL.createObjectURL(new Blob([file.content], { type: file.type }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file.name;
    link.hidden = true;
    this.host.renderRoot.append(link);
    link.click();
    link.remove();
    // The download has started from the click; the URL goes on the next task, and the Blob with it.
    this.urls.set(
      url,
      setTimeout(() => {
        URL.revokeObjectURL(url);
        this.urls.delete(url);
      }),
    );
  }

  /** The "Save transcript" button, which shows and hides the format choice; `content` defaults to its words. */
  renderButton(thread: ThreadState, label: string, content: unknown = 'Save transcript') {
    const open = this.openFor === thread.id;
    return html`<button
      part="save-transcript"
      type="button"
      data-thread=${thread.id}
      aria-label=${label}
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls=${`save-transcript-${thread.id}`}
      @click=${() => this.toggle(thread.id)}
    >
      ${content}
    </button>`;
  }

  /** The format choice under the button, while shown. Escape hides it. */
  renderMenu(thread: ThreadState) {
    if (this.openFor !== thread.id) return nothing;
    return html`<div
      part="save-transcript-menu"
      id=${`save-transcript-${thread.id}`}
      role="group"
      aria-label="Save transcript as"
      @keydown=${this.onKeydown}
    >
      ${this.renderFormats(thread, () => void this.dismiss())}
    </div>`;
  }

  /** One button per format; also offered inside the "End this chat?" question. */
  renderFormats(thread: ThreadState, after?: () => void) {
    return FORMATS.map(
      ({ format, label, part }) =>
        html`<button
          part=${part}
          type="button"
          aria-label=${`Save transcript as ${label}`}
          @click=${() => {
            this.save(thread, format);
            after?.();
          }}
        >
          ${label}
        </button>`,
    );
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    event.preventDefault();
    void this.dismiss();
  };

  private async focusAfterUpdate(selector: string): Promise<void> {
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }
}
