// A hub per test for the inbox's REST and socket tests: a fresh database of the dialect, one
// org, JSON calls with a bearer token, and sockets that have caught up. Test-only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { createHub, type Hub, type HubOptions } from '../hub.js';
import type { TestDatabases } from './databases.js';
import { createTestOrg, type TestOrg } from './tokens.js';
import { TestClient } from './ws-client.js';

export interface InboxHub {
  readonly hub: Hub;
  readonly clinic: TestOrg;
  /** A call to /v1 with `Authorization: Bearer`; POST when there is a body, unless `method` says otherwise. */
  api<T = any>(token: string, path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }>;
  /** A call to /admin with the hub's admin key; POST when there is a body, unless `method` says otherwise. */
  admin<T = any>(path: string, body?: unknown, method?: string): Promise<{ status: number; body: T }>;
  /** A socket that has resumed and been told `synced`; closed after the test. */
  connect(token: string): Promise<TestClient>;
}

/** The admin key of these test hubs. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

/** `options` (read before each test) adds to or overrides the hub's options, e.g. an SMTP server. */
export function inboxHubPerTest(databases: TestDatabases, options: () => Partial<HubOptions> = () => ({})): InboxHub {
  let dir: string;
  let hub: Hub;
  let clinic: TestOrg;
  const clients: TestClient[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clinic-chat-inbox-'));
    hub = await createHub({ port: 0, dataDir: dir, database: await databases.fresh(), blobs: 'files', adminKey: TEST_ADMIN_KEY, logger: pino({ level: 'silent' }), gateway: { heartbeatMs: 300, roleSweepMs: 200 }, ...options() });
    clinic = await createTestOrg(hub.ctx);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.kill();
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  });

  return {
    get hub() {
      return hub;
    },
    get clinic() {
      return clinic;
    },
    async api(token, path, init = {}) {
      const res = await fetch(`${hub.url}/v1${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { Authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'Content-Type': 'application/json' }) },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      });
      // JSON, or the text of a route that answers a file (a transcript, a CSV).
      const text = await res.text();
      return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
    },
    async admin(path, body, method) {
      const res = await fetch(`${hub.url}/admin${path}`, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
    async connect(token) {
      const client = await TestClient.connect(hub.wsUrl, token);
      client.send({ type: 'resume', seen: [] });
      await client.waitFor((f) => f.type === 'synced');
      clients.push(client);
      return client;
    },
  };
}
