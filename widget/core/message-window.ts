// Which part of a long thread the box renders. A thread of 5,000 messages rendered whole costs
// tens of milliseconds per new message; the box renders the newest page and a page more each
// time the reader asks for earlier messages. Pure state: no DOM, tested in Node.

/** How many messages one page holds: more than any screen shows, few enough to render in a frame. */
export const PAGE = 150;

/**
 * The rendered window over a thread's messages: always its newest messages, `shown` of them.
 *
 * - While the reader is pinned to the bottom, the window slides: a new message enters at the
 *   bottom and the oldest leaves at the top, so the DOM stays one page.
 * - While the reader is scrolled up, the window grows at the bottom instead, so no row above
 *   them leaves and nothing they read moves.
 * - `showEarlier()` adds a page at the top; `trim()` (the reader is back at the bottom) returns
 *   to one page.
 *
 * @example
 * const window = new MessageWindow();
 * window.observe(messages.length, pinned);
 * const rows = messages.slice(window.start(messages.length));
 */
export class MessageWindow {
  private shown: number;
  private length = 0;

  constructor(readonly page = PAGE) {
    this.shown = page;
  }

  /** Index of the first message rendered, for a thread of `length` messages (the last observed by default). */
  start(length = this.length): number {
    return Math.max(0, length - this.shown);
  }

  /** How many messages are older than the window, in the thread last observed. */
  get earlier(): number {
    return this.start();
  }

  /** Takes in the thread's length before a render: growth while scrolled up widens the window. */
  observe(length: number, pinned: boolean): void {
    const grown = length - this.length;
    if (grown > 0 && !pinned && this.length > 0) this.shown += grown;
    this.length = length;
  }

  /** One page more at the top; returns how many messages that reveals. */
  showEarlier(): number {
    const before = this.start();
    this.shown += this.page;
    return before - this.start();
  }

  /** The reader is back at the newest message: one page again. Returns whether rows leave. */
  trim(): boolean {
    const before = this.start();
    this.shown = this.page;
    return this.start() !== before;
  }

  /** Another thread: start again at one page. */
  reset(): void {
    this.shown = this.page;
    this.length = 0;
  }
}
