// The `ws` library the hub itself runs on (8.x, installed in the hub workspace), for the bare
// relay and the load generator. The root node_modules only holds the 7.x that dev tools pull
// in; comparing the hub with another version of the library would measure the library.
import { createRequire } from 'node:module';
import type WebSocketClass from '../hub/node_modules/@types/ws/index.js';

const require = createRequire(new URL('../hub/package.json', import.meta.url));

export const WebSocket = require('ws') as typeof WebSocketClass;
export type WebSocket = WebSocketClass;
export const WebSocketServer = WebSocket.WebSocketServer;
