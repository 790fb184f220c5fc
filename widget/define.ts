// Side-effect entry: registers <clinic-chat> and its inner elements (idempotent).
import { ClinicChat } from './elements/clinic-chat/clinic-chat.js';

ClinicChat.define();

declare global {
  interface HTMLElementTagNameMap {
    'clinic-chat': ClinicChat;
  }
}
