import type { PortLike } from './port.js';
declare const dc: RTCDataChannel;
declare const ws: WebSocket;
declare const mp: MessagePort;
declare const et: EventTarget & { send(data: string): void; readyState: string };
export const ports: PortLike[] = [dc, ws, mp, et];
