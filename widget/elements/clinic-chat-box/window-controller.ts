// The box's window over a long thread, as a controller: which messages render, the "Show earlier
// messages" control, and the scroll position that must not move when earlier messages appear.
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { MessageWindow } from '../../core/message-window.js';

export class MessageWindowController implements ReactiveController {
  readonly window: MessageWindow;
  /** Distance from the log's bottom to its scroll position, kept across a reveal. */
  private anchor: number | undefined;
  private focusLog = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly log: () => HTMLElement | undefined,
    page?: number,
  ) {
    this.window = new MessageWindow(page);
    host.addController(this);
  }

  /** Before a render: the thread's length, and whether the reader is at the newest message. */
  observe(length: number, pinned: boolean): number {
    this.window.observe(length, pinned);
    return this.window.start(length);
  }

  /** The reader reached the newest message: the rows above the last page leave the DOM. */
  settle(): void {
    if (this.window.trim()) this.host.requestUpdate();
  }

  reset(): void {
    this.window.reset();
    this.anchor = undefined;
  }

  /** The control above the first rendered message, while there are earlier ones. */
  render(earlier: number) {
    if (earlier === 0) return nothing;
    return html`<button part="earlier-button" type="button" class="earlier" @click=${this.showEarlier}>
      Show earlier messages <span class="visually-hidden">(${earlier} more)</span>
    </button>`;
  }

  hostUpdated(): void {
    const log = this.log();
    if (this.anchor === undefined || !log) return;
    log.scrollTop = log.scrollHeight - this.anchor;
    this.anchor = undefined;
    // The last page revealed takes the control away: focus stays in the log, not on <body>.
    if (this.focusLog) log.focus({ preventScroll: true });
    this.focusLog = false;
  }

  private readonly showEarlier = (): void => {
    const log = this.log();
    if (!log) return;
    const revealed = this.window.showEarlier();
    if (revealed === 0) return;
    this.anchor = log.scrollHeight - log.scrollTop;
    this.focusLog = this.window.earlier === 0;
    this.host.requestUpdate();
  };
}
