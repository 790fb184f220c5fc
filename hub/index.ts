// clinic-chat-hub: the optional server for persistence and relay.
export { createHub, type Hub, type HubOptions } from './hub.js';
export type { SmtpOptions } from './mail.js';
export type { GatewayOptions } from './realtime/gateway.js';
export type { Identity } from './auth/identity.js';
export { CLOSE } from './realtime/session.js';
