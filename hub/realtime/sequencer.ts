// Live messages of a thread reach this hub's sockets in seq order, each once. Two hubs that
// store messages of one thread one after the other publish them each on its own, so the later
// one can arrive first: its own hub delivers it at once, and a third hub may get it from Redis
// first. A client that saw seq 6 before 5 would also resume after 6 and never get 5. Seqs have
// no gaps within a conversation, so a gap here means a message still on its way: the later ones
// wait for it, briefly. If it has not come by then (its hub was killed between the commit and
// the publish, and never sends it) it is read from the database instead, and a copy that turns
// up after all is dropped.
import type { Envelope } from './broker.js';

interface ThreadOrder {
  /** Every seq up to this one has been delivered here (or handled as below). */
  last: number;
  /** Seqs up to this one predate this hub's following the thread: they are delivered whenever they come. */
  floor: number;
  /** Seqs given up on (the database could not be read): delivered late if they come. */
  skipped: Set<number>;
  waiting: Map<number, Envelope>;
  timer?: ReturnType<typeof setTimeout>;
  filling: boolean;
  /**
   * Followed since a message above 1 came, nothing delivered yet: where the thread stood is not
   * known, so a gap is waited for but not read from the database (that would replay history).
   */
  tentative: boolean;
}

/** Reads the thread's stored messages after `afterSeq` up to `upTo`, as envelopes. */
export type FillGap = (orgId: string, thread: string, afterSeq: number, upTo: number) => Promise<Envelope[]>;

export class Sequencer {
  private readonly threads = new Map<string, ThreadOrder>();

  constructor(
    private readonly deliver: (envelope: Envelope) => void,
    private readonly fill: FillGap,
    /** How long later messages wait for a missing one before it is read from the database. */
    private readonly gapMs = 500,
    /** Threads remembered; past this the oldest are forgotten (their next message then waits out a gap once). */
    private readonly maxThreads = 50_000,
  ) {}

  push(envelope: Envelope): void {
    const { seq, thread } = envelope.item;
    if (seq === undefined || thread === undefined) return this.deliver(envelope);
    let order = this.order(envelope.org, thread);
    // The thread's conversation was made anew (relay mode forgets one when its patient leaves; an
    // erased one is recreated): its seqs start again at 1.
    if (seq === 1 && order.last >= 1) {
      clearTimeout(order.timer);
      this.threads.delete(`${envelope.org}/${thread}`);
      order = this.order(envelope.org, thread);
    }
    if (seq <= order.last) {
      // Late: from before this hub followed the thread, or given up on; anything else is a copy.
      if (seq <= order.floor || order.skipped.delete(seq)) this.deliver(envelope);
      return;
    }
    order.waiting.set(seq, envelope);
    this.release(envelope.org, thread, order);
  }

  /** A socket caught up with the thread from the database up to `seq`: this hub follows it from there, if it did not already. */
  caughtUp(orgId: string, thread: string, seq: number): void {
    const key = `${orgId}/${thread}`;
    const order = this.threads.get(key);
    if (!order) this.remember(key, newOrder(seq, false));
    else if (order.tentative) {
      order.tentative = false;
      order.last = order.floor = Math.max(order.last, seq);
      this.release(orgId, thread, order);
    }
  }

  close(): void {
    for (const order of this.threads.values()) clearTimeout(order.timer);
  }

  private order(orgId: string, thread: string): ThreadOrder {
    const key = `${orgId}/${thread}`;
    // Not followed yet: a seq above 1 waits for the ones before it (at most one gap's time).
    return this.threads.get(key) ?? this.remember(key, newOrder(0, true));
  }

  private remember(key: string, order: ThreadOrder): ThreadOrder {
    if (this.threads.size >= this.maxThreads) {
      const [oldest, dropped] = this.threads.entries().next().value!;
      clearTimeout(dropped.timer);
      for (const seq of [...dropped.waiting.keys()].sort((a, b) => a - b)) this.deliver(dropped.waiting.get(seq)!);
      this.threads.delete(oldest);
    }
    this.threads.set(key, order);
    return order;
  }

  /** Delivers what is next in line; a gap left behind is waited for, then read from the database. */
  private release(orgId: string, thread: string, order: ThreadOrder): void {
    // Waiting ones that a catch-up or a given-up gap overtook: late, but needed.
    for (const seq of [...order.waiting.keys()].filter((s) => s <= order.last).sort((a, b) => a - b)) {
      this.deliver(order.waiting.get(seq)!);
      order.waiting.delete(seq);
    }
    for (let next = order.waiting.get(order.last + 1); next; next = order.waiting.get(order.last + 1)) {
      order.waiting.delete(++order.last);
      order.tentative = false;
      this.deliver(next);
    }
    if (!order.waiting.size) {
      clearTimeout(order.timer);
      order.timer = undefined;
      return;
    }
    if (order.timer || order.filling) return;
    order.timer = setTimeout(() => {
      order.timer = undefined;
      void this.fillGap(orgId, thread, order);
    }, this.gapMs);
  }

  private async fillGap(orgId: string, thread: string, order: ThreadOrder): Promise<void> {
    if (!order.waiting.size) return;
    const upTo = Math.min(...order.waiting.keys()) - 1;
    if (order.tentative) {
      order.tentative = false;
      order.last = order.floor = upTo;
      return this.release(orgId, thread, order);
    }
    order.filling = true;
    const found = await this.fill(orgId, thread, order.last, upTo).catch(() => []);
    order.filling = false;
    for (const envelope of found) {
      const seq = envelope.item.seq!;
      // One that came live meanwhile is already delivered.
      if (seq === order.last + 1 && seq <= upTo) {
        order.last = seq;
        this.deliver(envelope);
      }
    }
    for (let seq = order.last + 1; seq <= upTo; seq++) order.skipped.add(seq);
    order.last = Math.max(order.last, upTo);
    this.release(orgId, thread, order);
  }
}

function newOrder(last: number, tentative: boolean): ThreadOrder {
  return { last, floor: last, skipped: new Set(), waiting: new Map(), filling: false, tentative };
}
