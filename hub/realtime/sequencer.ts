// Live messages of a thread reach this hub's sockets in seq order. Two hubs that store messages
// of one thread one after the other publish them each on its own, so the later one can arrive
// first: its own hub delivers it at once, and a third hub may get it from Redis first. A client
// that saw seq 6 before 5 would also resume after 6 and never get 5. Seqs have no gaps within
// a conversation, so a gap here means a message still on its way: the later ones wait for it,
// but not for long, since a hub killed between its commit and its publish never sends it (its
// clients fetch it on resume; the others see it late, never not at all).
import type { Envelope } from './broker.js';

interface ThreadOrder {
  /** The highest seq delivered here, or known to be in the database when a socket caught up. */
  last: number;
  waiting: Map<number, Envelope>;
  timer?: ReturnType<typeof setTimeout>;
}

export class Sequencer {
  private readonly threads = new Map<string, ThreadOrder>();

  constructor(
    private readonly deliver: (envelope: Envelope) => void,
    /** How long later messages wait for a missing one. */
    private readonly gapMs = 500,
    /** Threads remembered; past this the oldest are forgotten (their next message then waits out a gap once). */
    private readonly maxThreads = 50_000,
  ) {}

  push(envelope: Envelope): void {
    const { seq, thread } = envelope.item;
    if (seq === undefined || thread === undefined) return this.deliver(envelope);
    const order = this.order(envelope.org, thread);
    // Next in line, or late (delivered after a gap was given up, or before a socket caught up): at once.
    if (seq <= order.last + 1) {
      this.deliver(envelope);
      if (seq > order.last) order.last = seq;
      this.release(order);
      return;
    }
    order.waiting.set(seq, envelope);
    order.timer ??= setTimeout(() => {
      order.timer = undefined;
      // The missing message is not coming: go on from the lowest one that did.
      order.last = Math.min(...order.waiting.keys()) - 1;
      this.release(order);
    }, this.gapMs);
  }

  /** A socket caught up with the thread from the database up to `seq`: what follows is next in line. */
  caughtUp(orgId: string, thread: string, seq: number): void {
    const key = `${orgId}/${thread}`;
    const order = this.threads.get(key);
    if (!order) this.remember(key, { last: seq, waiting: new Map() });
    else if (!order.waiting.size) order.last = Math.max(order.last, seq);
  }

  close(): void {
    for (const order of this.threads.values()) clearTimeout(order.timer);
  }

  private order(orgId: string, thread: string): ThreadOrder {
    const key = `${orgId}/${thread}`;
    // Not seen yet: any seq above 1 waits for the ones before it, at most one gap's time.
    return this.threads.get(key) ?? this.remember(key, { last: 0, waiting: new Map() });
  }

  private remember(key: string, order: ThreadOrder): ThreadOrder {
    if (this.threads.size >= this.maxThreads) {
      const [oldest, dropped] = this.threads.entries().next().value!;
      clearTimeout(dropped.timer);
      for (const envelope of [...dropped.waiting.entries()].sort(([a], [b]) => a - b).map(([, e]) => e)) this.deliver(envelope);
      this.threads.delete(oldest);
    }
    this.threads.set(key, order);
    return order;
  }

  private release(order: ThreadOrder): void {
    for (let next = order.waiting.get(order.last + 1); next; next = order.waiting.get(order.last + 1)) {
      order.waiting.delete(order.last + 1);
      order.last++;
      this.deliver(next);
    }
    if (!order.waiting.size) {
      clearTimeout(order.timer);
      order.timer = undefined;
    }
  }
}
