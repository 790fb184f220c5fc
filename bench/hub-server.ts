// The hub under test, in its own process so that it does not share an event loop with the
// load generator: persistent (SQLite file in a temp folder, WAL, synchronous=FULL, or a
// PostgreSQL schema), relay mode (`ephemeral`), or one of several hubs sharing PostgreSQL and
// Redis. Rate limits are raised out of the way (the bench offers more than a real patient
// would type); everything else — heartbeats, backpressure, validation — is the hub's default.
// One org per patient/provider pair, so that fan-out is one socket, as in the bare relay.
// Started by hub.bench.ts with one JSON argument (HubServerConfig).
import type { LevelWithSilent } from 'pino';
import { createHub } from '../hub/hub.js';
import { createTestOrg } from '../hub/testing/tokens.js';
import { serveControl } from './server-control.js';

export interface HubServerConfig {
  dataDir: string;
  ephemeral: boolean;
  /** A postgres:// URL (a fresh schema); default a SQLite file in dataDir. */
  database?: string;
  /** Several hubs: the Redis they share, and a key prefix of this run's own. */
  redis?: { url: string; keyPrefix: string };
  /**
   * Orgs to create, one per pair, and whose tokens to mint. 0 for a hub that joins a database
   * another hub has set up: the tokens that hub minted are valid here too (the keys are in the database).
   */
  pairs: number;
  /** The hub's log level; default silent (a log line per refusal would cost the hub more than the refusal). */
  logLevel?: LevelWithSilent;
}

export interface HubServerHello {
  wsUrl: string;
  /** [patient token, provider token] per pair; pair i's patient is `p<i>`, its provider `s<i>`. */
  tokens: Array<[string, string]>;
}

/** Longer than any bench run; the hub refuses lifetimes over its maximum (a day by default). */
const TOKEN_TTL_SEC = 3600;
const UNLIMITED = 1_000_000_000;

const config = JSON.parse(process.argv[2] ?? '{}') as HubServerConfig;
const hub = await createHub({
  port: 0,
  dataDir: config.dataDir,
  ephemeral: config.ephemeral,
  ...(config.database !== undefined && { database: config.database }),
  ...(config.redis !== undefined && { redis: config.redis }),
  logLevel: config.logLevel ?? 'silent',
  gateway: { perConnectionPerSecond: UNLIMITED, perUserPerMinute: UNLIMITED },
});

// Counting transactions tells how many messages each group commit carried (one fsync each
// in persistent mode). The writer shares this Kysely instance, so wrapping it here is enough.
let transactions = 0;
const db = hub.ctx.db;
const transaction = db.transaction.bind(db);
db.transaction = () => {
  transactions++;
  return transaction();
};

// Orgs in one transaction, through the hub's own repositories on either database: 500 orgs
// with a key and an origin each would otherwise be 1,500 commits (fsyncs) before the bench could start.
const orgs = await db.transaction().execute(async (trx) => {
  const created = [];
  for (let i = 0; i < config.pairs; i++) created.push(await createTestOrg({ ...hub.ctx, db: trx }, { name: `Bench clinic ${i}` }));
  return created;
});
const tokens = await Promise.all(
  orgs.map(async (org, i): Promise<[string, string]> => [
    await org.mint({ sub: `p${i}`, role: 'patient', name: `Patient ${i}` }, { expiresIn: TOKEN_TTL_SEC }),
    await org.mint({ sub: `s${i}`, role: 'staff', name: `Provider ${i}` }, { expiresIn: TOKEN_TTL_SEC }),
  ]),
);

const hello: HubServerHello = { wsUrl: hub.wsUrl, tokens };
serveControl(hello, () => ({ transactions, connections: hub.gateway.connections }), () => hub.close());
