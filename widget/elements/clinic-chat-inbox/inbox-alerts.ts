// Alerts of the shared inbox: a new patient message in My Inbox and a mention of me chime, show
// a desktop notification without any text of the message (a screen may be shared or locked),
// and are said in the inbox's live region. Alerts are off until the person turns them on.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { displayName } from '../../format.js';
import { Chime } from '../controllers/chime.js';
import type { InboxSessionController } from './inbox-session.js';

export class InboxAlertsController implements ReactiveController {
  /** Sound and desktop notifications. */
  on = false;
  /** The sentence the live region holds now. */
  said = '';
  private readonly sound = new Chime();

  constructor(
    private readonly host: ReactiveControllerHost,
    session: InboxSessionController,
  ) {
    host.addController(this);
    session.onSession(({ inbox }) => {
      const offs = [
        inbox.events.on('mine-message', ({ conversation }) => this.alert(`New message from ${displayName(conversation.patient.name)} in your inbox.`, `inbox-${conversation.id}`)),
        inbox.events.on('mention', ({ note }) => this.alert(`${displayName(note.author.name)} mentioned you in a note.`, `mention-${note.id}`)),
      ];
      return () => offs.forEach((off) => off());
    });
  }

  toggle(): void {
    this.on = !this.on;
    if (this.on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.sound.close();
  }

  private alert(sentence: string, tag: string): void {
    this.said = sentence;
    this.host.requestUpdate();
    if (!this.on) return;
    this.sound.play();
    if (document.visibilityState === 'hidden' || !document.hasFocus()) {
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification(sentence, { tag: `clinic-chat-${tag}` });
    }
  }
}
