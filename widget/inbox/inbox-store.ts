// The inbox's one state value and its listeners, shared by the parts of InboxCore (the list,
// the settings) so each changes its own slice and every screen sees one state.
import type { InboxState } from './inbox-state.js';

export class InboxStore {
  private s: InboxState;
  private readonly listeners = new Set<(state: InboxState) => void>();
  /** After `stop`, a ready inbox changes no more. */
  stopped = false;

  constructor(initial: InboxState) {
    this.s = initial;
  }

  get state(): InboxState {
    return this.s;
  }

  subscribe(listener: (state: InboxState) => void): () => void {
    this.listeners.add(listener);
    listener(this.s);
    return () => this.listeners.delete(listener);
  }

  set(patch: Partial<InboxState>): void {
    if (this.stopped && this.s.ready) return;
    this.s = { ...this.s, ...patch };
    for (const listener of this.listeners) listener(this.s);
  }
}

/** Runs an action; a failure becomes the state's `problem` and an `error` event instead of a rejection. */
export type Guard = (run: () => Promise<void>) => Promise<void>;
