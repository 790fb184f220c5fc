// The hidden live region of <clinic-chat>: says what happened outside the box in view — a
// message in another thread, a patient joining or leaving, a chat ending.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatCore } from '../../core/chat-core.js';
import { displayName } from '../../format.js';
import type { SessionController } from './session.js';

export class AnnouncerController implements ReactiveController {
  /** The sentence the live region holds now. */
  text = '';
  private connected = false;
  /** Increments per sentence, so a sentence set after a newer one (or after disconnect) is dropped. */
  private _callId = 0;

  constructor(private readonly host: ReactiveControllerHost, session: SessionController) {
    host.addController(this);
    session.onSession((core) => {
      const offs = [
        core.events.on('message', ({ thread, message }) => {
          const s = core.state;
          if (message.from.role === s.role) return;
          const inView = s.active === thread && s.box === 'open' && document.visibilityState !== 'hidden';
          if (!inView) this.announce(`New message from ${displayName(message.from.name)}.`);
        }),
        core.events.on('presence', ({ thread, present }) => {
          if (core.role === 'provider') this.announce(`${nameOf(core, thread)} ${present ? 'joined the queue' : 'has left'}.`);
        }),
        core.events.on('ended', ({ thread }) => {
          this.announce(core.role === 'patient' ? 'This chat has ended.' : `Chat with ${nameOf(core, thread)} ended.`);
        }),
      ];
      return () => offs.forEach((off) => off());
    });
  }

  hostConnected(): void {
    this.connected = true;
  }

  hostDisconnected(): void {
    this.connected = false;
    this._callId++;
    this.text = '';
  }

  announce(text: string): void {
    if (!this.connected) return;
    const key = ++this._callId;
    // Clearing first, and rendering that, makes a repeated sentence be read again.
    this.text = '';
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      if (key !== this._callId) return;
      this.text = text;
      this.host.requestUpdate();
    });
  }
}

function nameOf(core: ChatCore, thread: string): string {
  return displayName(core.state.threads.find((t) => t.id === thread)?.patient.name ?? 'A patient');
}
