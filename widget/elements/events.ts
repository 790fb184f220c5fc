// The DOM events of <clinic-chat>: one name and one detail type per event, emitted through
// one helper so every event bubbles and crosses shadow roots.
import type { CoreEventMap } from '../core/types.js';

export interface ClinicChatEventMap {
  'clinic-chat-message': CoreEventMap['message'];
  'clinic-chat-unread': CoreEventMap['unread'];
  'clinic-chat-open': CoreEventMap['open'];
  'clinic-chat-minimize': CoreEventMap['minimize'];
  'clinic-chat-close': CoreEventMap['close'];
  'clinic-chat-ended': CoreEventMap['ended'];
  'clinic-chat-presence': CoreEventMap['presence'];
  'clinic-chat-error': CoreEventMap['error'];
  /** <clinic-chat-inbox>: the hub refused an inbox call or could not be reached (`code` is the hub's). */
  'clinic-chat-inbox-error': { code: string; message: string };
}

export type ClinicChatEventName = keyof ClinicChatEventMap;

export function emit<K extends ClinicChatEventName>(target: EventTarget, name: K, detail: ClinicChatEventMap[K]): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: false }));
}

declare global {
  interface HTMLElementEventMap {
    'clinic-chat-message': CustomEvent<ClinicChatEventMap['clinic-chat-message']>;
    'clinic-chat-unread': CustomEvent<ClinicChatEventMap['clinic-chat-unread']>;
    'clinic-chat-open': CustomEvent<ClinicChatEventMap['clinic-chat-open']>;
    'clinic-chat-minimize': CustomEvent<ClinicChatEventMap['clinic-chat-minimize']>;
    'clinic-chat-close': CustomEvent<ClinicChatEventMap['clinic-chat-close']>;
    'clinic-chat-ended': CustomEvent<ClinicChatEventMap['clinic-chat-ended']>;
    'clinic-chat-presence': CustomEvent<ClinicChatEventMap['clinic-chat-presence']>;
    'clinic-chat-error': CustomEvent<ClinicChatEventMap['clinic-chat-error']>;
    'clinic-chat-inbox-error': CustomEvent<ClinicChatEventMap['clinic-chat-inbox-error']>;
  }
}
