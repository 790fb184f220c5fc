// Typing: the "is typing" lines of each thread (each expires on its own, and goes when its
// writer sends) and this page's own signal, repeated at most every few seconds while writing.
import type { ThreadStore } from './threads.js';

export const TYPING_SEND_EVERY_MS = 3000;
const TYPING_EXPIRES_MS = 6000;

export class Typing {
  private readonly until = new Map<string, Map<string, { name: string; until: number }>>();
  private sentAt = 0;

  constructor(private readonly threads: ThreadStore) {}

  /** Someone started or stopped typing in a thread. Returns whether the thread's line changed. */
  set(threadId: string, from: string, name: string, active: boolean): boolean {
    const map = this.until.get(threadId) ?? new Map<string, { name: string; until: number }>();
    this.until.set(threadId, map);
    if (active) map.set(from, { name, until: Date.now() + TYPING_EXPIRES_MS });
    else map.delete(from);
    return this.refresh(threadId);
  }

  /** Someone who sent a message has stopped typing it. Returns whether the thread's line changed. */
  clear(threadId: string, from: string): boolean {
    return (this.until.get(threadId)?.delete(from) ?? false) && this.refresh(threadId);
  }

  /** Drops the lines that expired. Returns whether any thread's line changed. */
  expire(): boolean {
    let changed = false;
    for (const threadId of this.until.keys()) changed = this.refresh(threadId) || changed;
    return changed;
  }

  /** Whether this page should tell the other side it is typing (or stopped) now. */
  shouldSignal(active: boolean): boolean {
    const now = Date.now();
    if (active && now - this.sentAt < TYPING_SEND_EVERY_MS) return false;
    this.sentAt = active ? now : 0;
    return true;
  }

  /** A message went out: the next keystroke says "typing" again at once. */
  sent(): void {
    this.sentAt = 0;
  }

  /** Writes the names typing now into the thread; returns whether they changed. */
  private refresh(threadId: string): boolean {
    const map = this.until.get(threadId);
    const now = Date.now();
    for (const [id, t] of map ?? []) if (t.until < now) map!.delete(id);
    const names = [...(map?.values() ?? [])].map((t) => t.name);
    const thread = this.threads.get(threadId);
    if (!thread || sameList(thread.typing, names)) return false;
    this.threads.update(threadId, { typing: names });
    return true;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
