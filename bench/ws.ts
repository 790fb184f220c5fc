import { createRequire } from 'node:module';
import type WebSocketType from '../hub/node_modules/@types/ws/index.js';
const require = createRequire(new URL('../hub/package.json', import.meta.url));
export const WebSocket = require('ws') as typeof WebSocketType;
export type WebSocket = WebSocketType;
export const WebSocketServer = WebSocket.WebSocketServer;
const s: InstanceType<typeof WebSocketServer> | undefined = undefined;
void s;
