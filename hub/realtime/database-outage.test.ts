// PostgreSQL going away under a running hub: the hub reaches the database through a TCP proxy
// that the test cuts (open connections reset, new ones refused) or silences (nothing passes,
// nothing is reset), then restores. Meanwhile every message is refused with `overloaded` and
// none is acknowledged; once the database is back the hub recovers by itself, and the resent
// messages are stored exactly once and acknowledged.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingFrame } from '../../protocol/index.js';
import type { HubDatabase } from '../db/database.js';
import { createHub, type Hub } from '../hub.js';
import { createTestContext } from '../testing/context.js';
import { testDatabases } from '../testing/databases.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { TestClient } from '../testing/ws-client.js';

/**
 * A TCP proxy in front of PostgreSQL. `cut` is a server that went away (connections reset);
 * `silence` is a network that went quiet (connections stay open and nothing passes either way,
 * so only the hub's own timeouts end its waits); `restore` lets everything through again.
 */
class DatabaseProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted while silent: joined to PostgreSQL on restore. */
  private readonly held = new Set<Socket>();
  private mode: 'open' | 'cut' | 'silent' = 'open';

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      if (this.mode === 'cut') return client.resetAndDestroy();
      client.on('error', () => undefined);
      if (this.mode === 'open') return this.forward(client);
      client.pause();
      this.held.add(client);
      client.on('close', () => this.held.delete(client));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port)));
  }

  cut(): void {
    this.mode = 'cut';
    for (const socket of [...this.sockets, ...this.held]) socket.resetAndDestroy();
  }

  silence(): void {
    this.mode = 'silent';
    for (const socket of this.sockets) socket.pause();
  }

  restore(): void {
    this.mode = 'open';
    for (const socket of this.sockets) socket.resume();
    for (const client of this.held) this.forward(client);
    this.held.clear();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.target);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
    }
  }
}

const databases = testDatabases('postgres');

describe('on postgres: PostgreSQL unreachable under a running hub', () => {
  let direct: string;
  let proxy: DatabaseProxy;
  let hub: Hub;
  let db: HubDatabase;
  let clinic: TestOrg;

  beforeAll(async () => {
    direct = await databases.fresh();
    const ctx = await createTestContext({ database: direct });
    clinic = await createTestOrg(ctx);
    db = ctx.db;
    const url = new URL(direct);
    proxy = new DatabaseProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(await proxy.listen());
    hub = await createHub({
      port: 0,
      database: url.toString(),
      logLevel: 'silent',
      gateway: { perConnectionPerSecond: 1000, perUserPerMinute: 100_000 },
    });
  });

  afterAll(async () => {
    proxy?.restore();
    await hub?.close();
    await proxy?.close();
    await db?.destroy();
  });

  const message = (patient: string, id: string): Extract<OutgoingFrame, { type: 'message' }> => ({
    type: 'message',
    id,
    thread: patient,
    from: { id: patient, name: patient, role: 'patient' },
    text: `message ${id}`,
    at: Date.now(),
    clock: 1,
  });

  /** How many times each of the patient's client ids is stored (read past the proxy). */
  async function storedCounts(patient: string): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('messages')
      .innerJoin('patients', 'patients.id', 'messages.author_id')
      .select('messages.client_id')
      .where('patients.external_id', '=', patient)
      .execute();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.client_id, (counts.get(r.client_id) ?? 0) + 1);
    return counts;
  }

  /** Resends every id not yet acknowledged, in order, as the outbox does, until all are acked. */
  async function resendUntilAcked(client: TestClient, patient: string, ids: readonly string[]): Promise<void> {
    for (;;) {
      const acked = new Set(client.of('ack').map((a) => a.id));
      const pending = ids.filter((id) => !acked.has(id));
      if (!pending.length) return;
      for (const id of pending) client.send(message(patient, id));
      await client.waitForCount((f) => f.type === 'ack' || f.type === 'error', client.frames.filter((f) => f.type === 'ack' || f.type === 'error').length + pending.length, 15_000);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const health = async () => (await fetch(`${hub.url}/health`)).status;

  it('refuses messages with overloaded while the database is cut, acks none, and stores each resent one exactly once when it is back', async () => {
    // Arrange: one patient has written already (its conversation is known), one has not.
    const ana = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'ana', name: 'Ana' }));
    const ben = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'ben', name: 'Ben' }));
    ana.send(message('ana', 'a1'));
    await ana.waitFor((f) => f.type === 'ack' && f.id === 'a1');

    // Act: cut the database off, then write.
    proxy.cut();
    ben.send(message('ben', 'b1'));
    const benRefusal = await ben.waitFor((f) => f.type === 'error' && f.ref === 'b1', 15_000);
    ana.send(message('ana', 'a2'));
    const anaRefusal = await ana.waitFor((f) => f.type === 'error' && f.ref === 'a2', 15_000);

    // Assert: typed refusals, no ack, nothing stored, and /health says so.
    expect(benRefusal).toMatchObject({ code: 'overloaded' });
    expect(anaRefusal).toMatchObject({ code: 'overloaded' });
    expect(await health()).toBe(503);
    // The outbox resends while the database is still away: refused again, at once.
    ana.send(message('ana', 'a2'));
    await ana.waitForCount((f) => f.type === 'error' && f.ref === 'a2', 2, 15_000);
    expect(ana.of('error').filter((e) => e.ref === 'a2').map((e) => e.code)).toEqual(['overloaded', 'overloaded']);
    expect(ana.of('ack').map((a) => a.id)).toEqual(['a1']);
    expect(ben.of('ack')).toEqual([]);
    // A socket that connects meanwhile cannot have its token checked: told to reconnect later, not that the token is bad.
    const late = new TestClient(hub.wsUrl);
    await late.open();
    late.send({ type: 'auth', token: await clinic.mint({ sub: 'dan', name: 'Dan' }) });
    expect(await late.closed()).toBe(1013);
    expect(late.of('error').map((e) => e.code)).toEqual(['overloaded']);
    expect(await storedCounts('ana')).toEqual(new Map([['a1', 1]]));
    expect(await storedCounts('ben')).toEqual(new Map());

    // Act: the database is back; the clients resend.
    proxy.restore();
    await resendUntilAcked(ana, 'ana', ['a2']);
    await resendUntilAcked(ben, 'ben', ['b1']);

    // Assert: stored once each, and the hub says it is healthy again.
    expect(await storedCounts('ana')).toEqual(new Map([['a1', 1], ['a2', 1]]));
    expect(await storedCounts('ben')).toEqual(new Map([['b1', 1]]));
    expect(ana.of('ack').map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(await health()).toBe(200);
    ana.close();
    ben.close();
  }, 60_000);

  it('a burst cut mid-way: every ack was committed, every other message was refused, and the resends store each one exactly once', async () => {
    const PATIENTS = 5;
    const names = Array.from({ length: PATIENTS }, (_, i) => `burst${i}`);
    const clients = await Promise.all(names.map(async (name) => TestClient.connect(hub.wsUrl, await clinic.mint({ sub: name, name }))));
    const sent = names.map(() => [] as string[]);
    let stop = false;
    const senders = clients.map(async (client, i) => {
      for (let n = 0; !stop; n++) {
        const id = `m${n}`;
        sent[i]!.push(id);
        client.send(message(names[i]!, id));
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    proxy.cut();
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(senders);
    // Every message sent gets an answer: an ack or a typed refusal.
    await Promise.all(clients.map((c, i) => c.waitForCount((f) => f.type === 'ack' || f.type === 'error', sent[i]!.length, 30_000)));

    let acked = 0;
    let refused = 0;
    for (const [i, client] of clients.entries()) {
      const acks = new Set(client.of('ack').map((a) => a.id));
      const errors = client.of('error');
      acked += acks.size;
      refused += errors.length;
      expect(new Set(errors.map((e) => e.code))).toEqual(new Set(errors.length ? ['overloaded'] : []));
      // Nothing acknowledged that is not committed (read past the proxy, straight from PostgreSQL).
      const stored = await storedCounts(names[i]!);
      expect([...acks].filter((id) => !stored.has(id))).toEqual([]);
      expect(errors.every((e) => !acks.has(e.ref!))).toBe(true);
    }
    expect(acked).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);

    proxy.restore();
    await Promise.all(clients.map((client, i) => resendUntilAcked(client, names[i]!, sent[i]!)));
    let duplicates = 0;
    let total = 0;
    for (const [i, client] of clients.entries()) {
      const stored = await storedCounts(names[i]!);
      total += stored.size;
      duplicates += [...stored.values()].reduce((n, c) => n + c - 1, 0);
      expect([...stored.keys()].sort()).toEqual([...sent[i]!].sort());
      const seqs = client.of('ack').map((a) => a.seq);
      expect(new Set(client.of('ack').map((a) => a.id)).size).toBe(sent[i]!.length);
      expect(Math.max(...seqs)).toBe(sent[i]!.length);
    }
    console.log(`database cut mid-burst: ${acked} acked before the cut (all committed), ${refused} refusals (all overloaded); after restore ${total} stored, ${duplicates} duplicates`);
    expect(duplicates).toBe(0);
    for (const c of clients) c.close();
  }, 90_000);

  it('refuses a message with overloaded when the database goes silent, rather than holding it until TCP gives up', async () => {
    // Arrange
    const cleo = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'cleo', name: 'Cleo' }));
    cleo.send(message('cleo', 'c1'));
    await cleo.waitFor((f) => f.type === 'ack' && f.id === 'c1');

    // Act: the network to the database goes quiet (no reset: only the hub's query timeout can end the wait).
    proxy.silence();
    cleo.send(message('cleo', 'c2'));
    const refusal = await cleo.waitFor((f) => f.type === 'error' && f.ref === 'c2', 30_000);
    cleo.send(message('cleo', 'c2'));
    cleo.send(message('cleo', 'c3'));
    await cleo.waitForCount((f) => f.type === 'error', 3, 30_000);

    // Assert: refused, not acked; stored once each after the database answers again.
    expect(refusal).toMatchObject({ code: 'overloaded' });
    expect(cleo.of('error').map((e) => [e.ref, e.code])).toEqual([
      ['c2', 'overloaded'],
      ['c2', 'overloaded'],
      ['c3', 'overloaded'],
    ]);
    expect(cleo.of('ack').map((a) => a.id)).toEqual(['c1']);
    proxy.restore();
    await resendUntilAcked(cleo, 'cleo', ['c2', 'c3']);
    expect(await storedCounts('cleo')).toEqual(new Map([['c1', 1], ['c2', 1], ['c3', 1]]));
    expect(cleo.of('ack').map((a) => [a.id, a.seq])).toEqual([
      ['c1', 1],
      ['c2', 2],
      ['c3', 3],
    ]);
    cleo.close();
  }, 90_000);
});
