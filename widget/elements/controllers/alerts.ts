// Sound and desktop alerts for <clinic-chat>: a chime for a message from the other side and, when
// the thread is not in view and the browser permits, a desktop notification without the text.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatCore } from '../../core/chat-core.js';
import type { CoreEventMap } from '../../core/types.js';
import { displayName } from '../../format.js';
import type { SessionController } from './session.js';

export class AlertsController implements ReactiveController {
  private audio?: AudioContext;

  constructor(host: ReactiveControllerHost, session: SessionController) {
    host.addController(this);
    session.onSession((core) => core.events.on('message', (detail) => this.onMessage(core, detail)));
  }

  /** Asks for the desktop-notification permission, once, when the user turns alerts on. */
  requestPermission(): void {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
  }

  hostDisconnected(): void {
    void this.audio?.close();
    this.audio = undefined;
  }

  private onMessage(core: ChatCore, { thread, message }: CoreEventMap['message']): void {
    const state = core.state;
    if (message.from.role === state.role || !state.notifications) return;
    this.chime();
    const inView = state.active === thread && state.box === 'open' && document.visibilityState !== 'hidden';
    if (!inView && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      // No message text: a desktop notification can show on a shared or locked screen.
      new Notification(`New message from ${displayName(message.from.name)}`, { tag: `clinic-chat-${thread}` });
    }
  }

  /** A short two-tone chime made with Web Audio: no sound file to host or to allow in the CSP. */
  private chime(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      [880, 1320].forEach((frequency, i) => {
        const osc = ctx.createOscillator();
        osc.frequency.value = frequency;
        osc.connect(gain);
        osc.start(ctx.currentTime + i * 0.12);
        osc.stop(ctx.currentTime + 0.35);
      });
    } catch {
      // Audio can be unavailable (no device, autoplay policy); the visual badge still counts.
    }
  }
}
