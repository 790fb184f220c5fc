// Serves the demo site (a fake telehealth clinic) with Vite's dev server. The config is
// inline so the repository's vite.config.ts stays the library build's alone.
// `node demo/serve.mjs` (npm start) prints the pages to open; tests call startDemo();
// demo/serve-hub.ts (npm run start:hub) starts it beside a hub, with the `hub` option.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createServer } from 'vite';

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** @param {string} wsUrl */
function httpOrigin(wsUrl) {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.origin;
}

/**
 * The policy a careful telehealth vendor serves: no inline script or style anywhere, so the
 * demo proves the element works under it. `connect-src 'self'` also covers Vite's HMR socket
 * (CSP3 matches ws: to the page's own host); blob: is for attachment previews.
 * @param {string} [hubWsUrl]
 */
function contentSecurityPolicy(hubWsUrl) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    // Hub mode adds the hub's origin, for its WebSocket and (the inbox) its REST API, and nothing else.
    hubWsUrl ? `connect-src 'self' ${new URL(hubWsUrl).origin} ${httpOrigin(hubWsUrl)}` : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Hub mode's two development endpoints: `/dev/hub.json` tells the pages where the hub is, and
 * `/dev/token` signs a token for whoever a page asks to be (a real vendor's backend signs
 * tokens only for people it has signed in). Without a hub both are 404s.
 * @param {DemoHub} hub
 * @returns {import('vite').Plugin}
 */
function devHubEndpoints(hub) {
  /** @type {import('vite').Connect.NextHandleFunction} */
  async function devHub(req, res, next) {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    if (url.pathname !== '/dev/hub.json' && url.pathname !== '/dev/token') return next();
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return reply(405, { error: 'GET only' });
    if (url.pathname === '/dev/hub.json') return reply(200, { url: hub.wsUrl });
    try {
      reply(200, { token: await hub.mintToken(url.searchParams) });
    } catch (error) {
      if (!(error instanceof RangeError)) return next(error);
      reply(400, { error: error.message });
    }
  }
  return { name: 'clinic-chat-dev-hub', configureServer: (server) => void server.middlewares.use(devHub) };
}

/**
 * @typedef {object} DemoHub
 * @property {string} wsUrl the hub's WebSocket URL
 * @property {(params: URLSearchParams) => Promise<string>} mintToken signs a development token; throws a RangeError for a bad request
 */

/**
 * Starts the demo server. `port: 0` picks a free port (tests). With `hub`, the pages can run in
 * hub mode (`?hub=1`): the policy allows the hub's origin and the development endpoints answer.
 * @param {{ port?: number, host?: string, logLevel?: 'info' | 'warn' | 'error' | 'silent', hub?: DemoHub }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} `url` ends with a slash.
 */
export async function startDemo({ port = 5173, host = '127.0.0.1', logLevel = 'warn', hub } = {}) {
  const server = await createServer({
    root: demoDir,
    configFile: false,
    // Multi-page site: an unknown path is a 404, not a fallback to index.html.
    appType: 'mpa',
    clearScreen: false,
    logLevel,
    // Its own cache, so the demo's pre-bundled deps never clash with vitest's.
    cacheDir: fileURLToPath(new URL('../node_modules/.vite/demo', import.meta.url)),
    server: {
      port,
      host,
      strictPort: false,
      // The pages import the element from ../widget and lit from ../node_modules.
      fs: { strict: true, allow: [repoRoot] },
      headers: { 'Content-Security-Policy': contentSecurityPolicy(hub?.wsUrl) },
    },
    plugins: hub ? [devHubEndpoints(hub)] : [],
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the demo server did not report a port');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;
  return { url, close: () => server.close() };
}

/**
 * The pages worth opening, with identities made up for the demo; with `hub`, their hub-mode
 * versions (the video visit stays peer to peer).
 * @param {string} url the server's base URL, ending with a slash
 * @param {{ hub?: boolean }} [options]
 * @returns {Array<{ label: string, url: string }>}
 */
export function demoPages(url, { hub = false } = {}) {
  if (hub) {
    return [
      { label: 'Start page', url },
      { label: 'Waiting room, patient Ana', url: `${url}waiting-room.html?hub=1&id=ana&name=Ana%20Ortiz&visit=v-ana` },
      { label: 'Waiting room, patient Ben', url: `${url}waiting-room.html?hub=1&id=ben&name=Ben%20Okafor&visit=v-ben` },
      { label: 'Clinician (Dr. Lee)', url: `${url}clinician.html?hub=1` },
      { label: 'Shared inbox (Dr. Lee)', url: `${url}inbox.html?hub=1&as=dr-lee` },
      { label: 'Shared inbox, two staff side by side', url: `${url}inbox-pair.html` },
    ];
  }
  return [
    { label: 'Start page', url },
    { label: 'Waiting room, patient Ana', url: `${url}waiting-room.html?id=ana&name=Ana%20Ortiz&visit=v-ana` },
    { label: 'Waiting room, patient Ben', url: `${url}waiting-room.html?id=ben&name=Ben%20Okafor&visit=v-ben` },
    { label: 'Clinician (Dr. Lee)', url: `${url}clinician.html` },
    { label: 'Video visit, provider side', url: `${url}video-visit.html?role=provider&visit=v-100` },
    { label: 'Video visit, patient side', url: `${url}video-visit.html?role=patient&visit=v-100&id=cara&name=Cara%20Diaz` },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = process.env.PORT ? Number(process.env.PORT) : 5173;
  const demo = await startDemo({ port, logLevel: 'info' });
  const pages = demoPages(demo.url);
  const width = Math.max(...pages.map((p) => p.label.length));
  console.log('\nclinic-chat demo is running. Open these in one browser (same profile):\n');
  for (const page of pages) console.log(`  ${page.label.padEnd(width)}  ${page.url}`);
  console.log('\nPress Ctrl+C to stop.\n');
  const stop = () => demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
