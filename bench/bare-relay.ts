// The baseline the hub is compared with: a bare `ws` server that forwards each frame from a
// patient socket to its paired provider socket, as it came — no auth, no parsing, no
// validation, no storage, no acks. Started by hub.bench.ts in its own process.
// Clients connect to `<url>?pair=<n>&role=patient|provider`.
import { serveControl } from './server-control.js';
import { WebSocketServer, type WebSocket } from './ws.js';

/** The same read limit as the hub's. */
const MAX_PAYLOAD = 1024 * 1024;

const providers = new Map<string, WebSocket>();

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX_PAYLOAD });
wss.on('connection', (ws, request) => {
  const params = new URL(request.url ?? '/', 'http://relay').searchParams;
  const pair = params.get('pair') ?? '';
  if (params.get('role') === 'provider') {
    providers.set(pair, ws);
    ws.on('close', () => {
      if (providers.get(pair) === ws) providers.delete(pair);
    });
    return;
  }
  ws.on('message', (data, isBinary) => {
    const provider = providers.get(pair);
    if (provider && provider.readyState === provider.OPEN) provider.send(data, { binary: isBinary });
  });
});

wss.once('listening', () => {
  const address = wss.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serveControl(
    { wsUrl: `ws://127.0.0.1:${port}/` },
    () => ({}),
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
});
