// `npm run start:hub`: the demo site in hub mode. Starts a hub (SQLite under ./data, port 8787)
// and the demo site beside it; the site signs DEVELOPMENT tokens for its pages with a key that
// is public in demo/dev-hub.ts. Messages now live in the hub's database: a reload keeps them.
import { fileURLToPath } from 'node:url';
import { createHub } from '../hub/hub.js';
import { DEV_ORG, DEV_TOKEN_TTL_SEC, ensureDevOrg, mintDevToken } from './dev-hub.js';
import { seedDemoClinic } from './seed-clinic.js';
import { demoPages, startDemo } from './serve.mjs';

const dataDir = fileURLToPath(new URL('../data', import.meta.url));
const hubPort = process.env.HUB_PORT ? Number(process.env.HUB_PORT) : 8787;
const port = process.env.PORT ? Number(process.env.PORT) : 5173;

const hub = await createHub({ port: hubPort, dataDir, logLevel: 'warn' }).catch((error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${hubPort} is taken: stop what runs there, or set HUB_PORT.` : error);
  process.exit(1);
});
const demo = await startDemo({ port, logLevel: 'info', hub: { wsUrl: hub.wsUrl, mintToken: mintDevToken } });
// The demo's port can differ from the one asked for (Vite moves on when it is taken): allow the real origin.
await ensureDevOrg(hub.ctx, new URL(demo.url).origin);
// A populated inbox on the first start: two teams, three staff, a dozen patients with history.
if (await seedDemoClinic(hub.ctx, DEV_ORG.id)) console.log('Seeded the demo clinic (two teams, three staff, twelve patients).');

const pages = demoPages(demo.url, { hub: true });
const width = Math.max(...pages.map((p) => p.label.length));
console.log(`\nclinic-chat demo in hub mode. Hub: ${hub.url} (WebSocket ${hub.wsUrl}), database in ${dataDir}\n`);
for (const page of pages) console.log(`  ${page.label.padEnd(width)}  ${page.url}`);
console.log(`
DEVELOPMENT TOKENS: the demo server signs ${DEV_TOKEN_TTL_SEC / 60}-minute tokens for "${DEV_ORG.name}"
with a key that is public in demo/dev-hub.ts, for anyone who asks (GET /dev/token).
A real vendor signs tokens in its own backend.

Press Ctrl+C to stop.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await demo.close();
  await hub.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
