// The inline "End this chat?" question of a chat box. Ending stops sending for both sides and
// cannot be undone, so the red button beside Minimize asks first; this controller holds that
// question's state and moves focus into it and back out.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & { readonly renderRoot: ParentNode };

export class EndConfirmController implements ReactiveController {
  /** The question is shown. */
  asking = false;

  constructor(
    private readonly host: Host,
    private readonly end: () => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.asking = false;
  }

  /** Shows the question (or, pressed again, withdraws it), focus on the safe answer. */
  toggle(): Promise<void> {
    if (this.asking) return this.cancel();
    this.asking = true;
    return this.focusAfterUpdate('end-cancel-button');
  }

  /** "Keep chatting" or Escape: the question goes, focus returns to "End chat". */
  cancel(): Promise<void> {
    this.asking = false;
    return this.focusAfterUpdate('end-button');
  }

  /** Drops the question without moving focus: another thread came into the box, or it folded. */
  reset(): void {
    this.asking = false;
  }

  /**
   * The question, when it is being asked and the chat can still be ended. Escape anywhere in
   * the box while it is shown answers "Keep chatting" (and does not minimize the box).
   * `beforeEnding` is what the host offers to do first (save the transcript).
   */
  render(canEnd: boolean, beforeEnding: unknown = nothing) {
    if (!this.asking || !canEnd) return nothing;
    return html`<div part="end-confirm" id="end-confirm" role="group" aria-labelledby="end-question">
      <p id="end-question">End this chat?</p>
      <div class="end-answers">
        <button part="end-confirm-button" type="button" @click=${this.confirm}>End chat</button>
        <button part="end-cancel-button" type="button" @click=${() => this.cancel()}>Keep chatting</button>
      </div>
      ${beforeEnding}
    </div>`;
  }

  readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.asking) return;
    event.stopPropagation();
    event.preventDefault();
    void this.cancel();
  };

  /** The chat ends; focus goes to the log, where the ending is said, not to a button that is gone. */
  private readonly confirm = (): void => {
    this.asking = false;
    this.end();
    void this.focusAfterUpdate('messages');
  };

  private async focusAfterUpdate(part: string): Promise<void> {
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>(`[part~="${part}"]`)?.focus();
  }
}
