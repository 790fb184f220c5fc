// The outbox: every message this page sent that the other side (or the hub) has not yet
// acknowledged, re-sent with exponential backoff. It survives erasure from view: nothing
// acknowledged is ever lost, and nothing unacknowledged is forgotten.
import type { AckFrame, ChunkFrame, ErrorCode, MessageFrame, OutgoingFrame } from '../../protocol/index.js';
import type { OrderingClock } from './clock.js';
import type { Delivery } from './delivery.js';
import type { ThreadStore } from './threads.js';
import type { FailReason } from './types.js';

interface Pending {
  frame: Omit<MessageFrame, 'v'>;
  chunks: Omit<ChunkFrame, 'v'>[];
  attempts: number;
  nextAt: number;
}

export interface OutboxOptions {
  store: ThreadStore;
  delivery: Delivery;
  clock: OrderingClock;
  send: (frame: OutgoingFrame) => boolean;
  /** Whether anyone is on the other side of a thread. */
  counterpartPresent: (threadId: string) => boolean;
  retryMs: number;
  maxRetryMs: number;
}

const FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set<FailReason>(['not-allowed', 'chat-ended', 'too-large', 'opted-out', 'unsupported-type', 'not-found', 'invalid']);

/**
 * A refusal that no resend can change fails the message; the others (`rate-limited`,
 * `overloaded`, `internal`: the hub is busy) leave it in the outbox to be retried with backoff.
 */
export function isFinal(code: ErrorCode): code is FailReason {
  return FINAL_REFUSALS.has(code);
}

export class Outbox {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: OutboxOptions) {}

  add(frame: Omit<MessageFrame, 'v'>, chunks: Omit<ChunkFrame, 'v'>[]): void {
    this.pending.set(frame.id, { frame, chunks, attempts: 0, nextAt: 0 });
    this.flush(frame.id);
  }

  /** Resend now rather than at the next backoff step: the transport or the other side is back. */
  hurry(threadId?: string): void {
    for (const [id, p] of this.pending) {
      if (threadId !== undefined && p.frame.thread !== threadId) continue;
      p.nextAt = 0;
      this.flush(id);
    }
  }

  flushAll(): void {
    for (const id of this.pending.keys()) this.flush(id);
  }

  /** Hub mode: the message is stored under `seq`; it is *sent*, and no longer needs resending. */
  ack(frame: AckFrame): void {
    this.pending.delete(frame.id);
    const { store } = this.opts;
    const message = store.find(frame.thread, frame.id);
    if (!message?.mine) return;
    const status = message.status === 'sending' || message.status === 'failed' ? 'sent' : message.status;
    store.reposition(frame.thread, { ...message, seq: frame.seq, status });
  }

  /** The other side has the messages (or has read them). */
  receipt(kind: 'delivered' | 'read', threadId: string, ids: readonly string[]): void {
    const { store } = this.opts;
    for (const id of ids) {
      const pending = this.pending.get(id);
      if (pending && pending.frame.thread === threadId) this.pending.delete(id);
      const message = store.find(threadId, id);
      if (!message?.mine || message.status === 'failed') continue;
      if (message.status === 'read' && kind === 'delivered') continue;
      store.replace(threadId, { ...message, status: kind });
    }
  }

  /** A final refusal of one message: it fails. Returns its thread, or undefined when it was not ours or may be retried. */
  refused(ref: string, code: ErrorCode): string | undefined {
    const pending = this.pending.get(ref);
    if (!pending || !isFinal(code)) return undefined;
    this.pending.delete(ref);
    this.opts.store.setStatus(pending.frame.thread, ref, 'failed', code);
    return pending.frame.thread;
  }

  /**
   * The chat ended: what never left will never go, and says why. What left is not resent,
   * but still waits for the other side's answer: a receipt, or a refusal that says why.
   */
  failThread(threadId: string): void {
    const { store } = this.opts;
    for (const [id, p] of this.pending) {
      if (p.frame.thread !== threadId || store.find(threadId, id)?.status !== 'sending') continue;
      this.pending.delete(id);
      store.setStatus(threadId, id, 'failed', 'chat-ended');
    }
  }

  /** Sends (or resends) one pending message with its chunks, if its time has come. */
  private flush(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    const { delivery, send, store } = this.opts;
    const now = Date.now();
    if (now < pending.nextAt || store.get(pending.frame.thread)?.ended) return;
    if (!delivery.mayHandOff(this.opts.counterpartPresent(pending.frame.thread))) return;
    if (pending.attempts === 0) this.restamp(pending);
    if (!send(pending.frame)) return;
    for (const chunk of pending.chunks) if (!send(chunk)) return;
    pending.attempts++;
    pending.nextAt = now + Math.min(this.opts.retryMs * 2 ** (pending.attempts - 1), this.opts.maxRetryMs);
    const message = store.find(pending.frame.thread, id);
    if (message?.status === 'sending' && delivery.statusOnHandOff === 'sent') store.setStatus(pending.frame.thread, id, 'sent');
  }

  /**
   * A message that waited (offline, or no one there) leaves with a clock past what the
   * other side has shown us since it was written: it was sent after that, so it sorts after.
   * Every message still waiting is restamped with it, in the order they were written.
   */
  private restamp(pending: Pending): void {
    const { clock, store } = this.opts;
    if (pending.frame.clock > clock.witnessed) return;
    for (const p of this.pending.values()) {
      if (p.attempts > 0) continue;
      p.frame = { ...p.frame, clock: clock.next() };
      const message = store.find(p.frame.thread, p.frame.id);
      if (message) store.reposition(p.frame.thread, { ...message, clock: p.frame.clock });
    }
  }
}
