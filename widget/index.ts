// The package's public API: elements (not yet registered: call `ClinicChat.define()` or
// import 'clinic-chat/define'), the core for custom UIs, and the transports.
export { ClinicChat, type ChatIdentity } from './elements/clinic-chat/clinic-chat.js';
export { ClinicChatBox } from './elements/clinic-chat-box/clinic-chat-box.js';
export { ClinicChatQueue } from './elements/clinic-chat-queue/clinic-chat-queue.js';
export { ClinicChatComposer } from './elements/clinic-chat-composer/clinic-chat-composer.js';
export type { ClinicChatEventMap, ClinicChatEventName } from './elements/events.js';
export { ChatCore, type ChatCoreOptions } from './core/chat-core.js';
export type * from './core/types.js';
export { LocalTransport } from './transports/local.js';
export { PortTransport, type PortLike } from './transports/port.js';
export { HubTransport, readTokenClaims, type HubTransportOptions, type TokenClaims, type WebSocketLike } from './transports/hub.js';
export type { Transport, TransportSink, TransportStatus } from './transports/transport.js';
export { ProtocolError, type ErrorCode } from '../protocol/index.js';
