// Sound and desktop alerts for <clinic-chat>: a chime for a message from the other side and, when
// the thread is not in view and the browser permits, a desktop notification without the text.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatCore } from '../../core/chat-core.js';
import type { CoreEventMap } from '../../core/types.js';
import { displayName } from '../../format.js';
import { Chime } from './chime.js';
import type { SessionController } from './session.js';

export class AlertsController implements ReactiveController {
  private readonly sound = new Chime();

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
    this.sound.close();
  }

  private onMessage(core: ChatCore, { thread, message }: CoreEventMap['message']): void {
    const state = core.state;
    if (message.from.role === state.role || !state.notifications) return;
    this.sound.play();
    const inView = state.active === thread && state.box === 'open' && document.visibilityState !== 'hidden';
    if (!inView && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      // No message text: a desktop notification can show on a shared or locked screen.
      new Notification(`New message from ${displayName(message.from.name)}`, { tag: `clinic-chat-${thread}` });
    }
  }
}
