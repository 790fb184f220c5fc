// Connects a Lit host to a ChatCore: the host re-renders on every new state snapshot.
// Subscribes in hostConnected and unsubscribes in hostDisconnected, so nothing leaks.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatCore } from '../core/chat-core.js';
import type { ChatState } from '../core/types.js';

export class CoreController implements ReactiveController {
  private core?: ChatCore;
  private unsubscribe?: () => void;
  private connected = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get state(): ChatState | undefined {
    return this.core?.state;
  }

  /** Follows another core (or none); the host re-renders. */
  set(core: ChatCore | undefined): void {
    if (core === this.core) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.core = core;
    if (this.connected) this.subscribe();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private subscribe(): void {
    if (!this.core || this.unsubscribe) return;
    this.unsubscribe = this.core.subscribe(() => this.host.requestUpdate());
  }
}
