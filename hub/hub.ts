// createHub(): the Hono app (REST), the WebSocket gateway and the HTTP server, over one
// database (a SQLite file, or PostgreSQL shared with other hubs). Relay mode (`ephemeral`)
// runs the same code on an in-memory SQLite database.
import { join } from 'node:path';
import { serve, upgradeWebSocket, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger, LevelWithSilent } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { DatabaseBlobStore, FileBlobStore, MemoryBlobStore, type BlobStore } from './blobs.js';
import type { HubContext } from './context.js';
import { openDatabase, type HubDatabase } from './db/database.js';
import { isPostgresUrl } from './db/dialect.js';
import { DatabaseHealth } from './domain/database-health.js';
import { startPurgeTimer } from './domain/retention.js';
import { errorHandler, notFound } from './http/errors.js';
import { createLogger } from './log.js';
import { smtpMailer, type SmtpOptions } from './mail.js';
import { Gateway, type GatewayOptions } from './realtime/gateway.js';
import { oneHub, redisHubs, type RedisOptions } from './realtime/scale-out.js';
import type { Session } from './realtime/session.js';
import { createApi } from './routes/index.js';

export interface HubOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Folder for the database and attachment files. Default ./data. */
  dataDir?: string;
  /**
   * A postgres:// URL (several hubs may share it), or a SQLite file. Default
   * <dataDir>/clinic-chat.sqlite. The library reads no environment: the CLI (`bin.ts`) passes
   * DATABASE_URL here, so an embedding program (or a test) never writes to a database it did not name.
   */
  database?: string;
  /**
   * Where attachment bytes go: `database` (a table in the hub's database, so every hub on a
   * shared PostgreSQL serves every file) or `files` (under <dataDir>/attachments). Default:
   * `database` on PostgreSQL, `files` on SQLite.
   */
  blobs?: 'database' | 'files';
  /** Relay mode: nothing is written to disk; conversations vanish when their patient leaves. */
  ephemeral?: boolean;
  /** Enables the admin API with this key. */
  adminKey?: string;
  logLevel?: LevelWithSilent;
  logger?: Logger;
  gateway?: Partial<GatewayOptions>;
  /** Longest token lifetime accepted, seconds. Default one day. */
  maxTokenTtlSec?: number;
  clockToleranceSec?: number;
  /**
   * Several hubs: Redis carries live frames, presence and rate limits between them (they must
   * share one PostgreSQL database too). A URL or options; default none (one hub).
   */
  redis?: string | RedisOptions;
  /**
   * How often the retention purge runs (see docs/retention.md), ms; 0 turns it off. Default
   * hourly; off in relay mode, which keeps nothing.
   */
  purgeEveryMs?: number;
  /** The SMTP server transcripts are e-mailed through (POST /v1/inbox/:id/close-and-email); default none, and that route answers 503. */
  smtp?: SmtpOptions;
}

export interface Hub {
  app: Hono;
  server: ServerType;
  ctx: HubContext;
  gateway: Gateway;
  /** http://host:port */
  url: string;
  /** ws://host:port/v1/ws */
  wsUrl: string;
  /** Closes every socket with a resumable code (1012), finishes pending commits, closes the database. */
  close(): Promise<void>;
}

/** The largest WebSocket message the server reads at all; frames over the protocol's limit below it get a typed error. */
const MAX_PAYLOAD = 1024 * 1024;

export async function createHub(options: HubOptions = {}): Promise<Hub> {
  const dataDir = options.dataDir ?? './data';
  const ephemeral = options.ephemeral ?? false;
  const log = options.logger ?? createLogger(options.logLevel ?? 'info');
  const redis = typeof options.redis === 'string' ? { url: options.redis } : options.redis;
  // Relay mode keeps conversations in each hub's own memory: several hubs would not share them.
  if (redis && ephemeral) throw new Error('relay mode (ephemeral) runs as one hub; it cannot be combined with redis');
  const location = ephemeral ? ':memory:' : (options.database ?? join(dataDir, 'clinic-chat.sqlite'));
  const db = await openDatabase(location, {
    onConnectionError: (error) => log.warn({ err: error.message }, 'a database connection broke; the pool drops it'),
  });
  const blobs = ephemeral ? 'memory' : (options.blobs ?? (isPostgresUrl(location) ? 'database' : 'files'));
  const ctx: HubContext = {
    db,
    health: new DatabaseHealth(db, log),
    blobs: blobStore(blobs, db, dataDir),
    log,
    ephemeral,
    adminKey: options.adminKey,
    maxTokenTtlSec: options.maxTokenTtlSec ?? 24 * 3600,
    clockToleranceSec: options.clockToleranceSec ?? 5,
    ...(options.smtp && { mailer: smtpMailer(options.smtp) }),
  };
  const scale = redis ? await redisHubs(redis, log) : oneHub();
  const gateway = new Gateway(ctx, options.gateway, scale);

  const app = new Hono();
  app.get('/health', async (c) => {
    // A hub whose database does not answer cannot store or serve anything: 503 takes it out of a load balancer.
    // Redis down is reported but stays 200: the hub still serves its own sockets, and since every
    // hub shares the one Redis, a 503 would take all of them out at once.
    const database = (await ctx.health.check()) ? 'up' : 'down';
    return c.json(
      { ok: database === 'up', mode: ephemeral ? 'relay' : 'persistent', connections: gateway.connections, database, ...scale.health() },
      database === 'up' ? 200 : 503,
    );
  });
  app.get(
    '/v1/ws',
    upgradeWebSocket(
      (c) => {
        const origin = c.req.header('origin');
        let session: Session | undefined;
        return {
          onOpen: (_event, ws) => {
            session = gateway.accept(ws.raw as WebSocket, origin);
          },
          onMessage: (event) => {
            if (session) gateway.message(session, event.data);
          },
          onClose: () => {
            if (session) gateway.closed(session);
          },
        };
      },
      { onError: (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'websocket error') },
    ),
  );
  app.route('/', createApi(ctx, gateway.inbox));
  app.notFound(notFound);
  app.onError(errorHandler(ctx));

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  const host = options.host ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname: host, websocket: { server: wss } }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', reject);
  });
  const purgeEveryMs = ephemeral ? 0 : (options.purgeEveryMs ?? 3600_000);
  const purge = purgeEveryMs > 0 ? startPurgeTimer(ctx, purgeEveryMs) : undefined;
  const base = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ port, mode: ephemeral ? 'relay' : 'persistent', database: isPostgresUrl(location) ? 'postgres' : 'sqlite', blobs }, 'hub listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await purge?.stop();
      await gateway.close();
      await scale.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      ctx.health.close();
      ctx.mailer?.close();
      await db.destroy();
    })());

  return { app, server, ctx, gateway, url: `http://${base}`, wsUrl: `ws://${base}/v1/ws`, close };
}

function blobStore(kind: 'database' | 'files' | 'memory', db: HubDatabase, dataDir: string): BlobStore {
  if (kind === 'memory') return new MemoryBlobStore();
  return kind === 'database' ? new DatabaseBlobStore(db) : new FileBlobStore(join(dataDir, 'attachments'));
}
