// Several hubs on one PostgreSQL schema and one Redis, through real sockets: presence, live
// frames, rate limits and attachments cross between hubs; a killed hub's people expire; and a
// Redis outage leaves each hub serving its own sockets, then is caught up by resume. Each test
// has a redis-server of its own (so it may stop it) and a fresh PostgreSQL schema; there is no
// SQLite run, since several hubs must share one PostgreSQL database.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, type Frame } from '../../protocol/index.js';
import { createHub, type Hub, type HubOptions } from '../hub.js';
import { testDatabases } from '../testing/databases.js';
import { TestRedisServer } from '../testing/redis-server.js';
import { TestTcpProxy } from '../testing/tcp-proxy.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { TestClient } from '../testing/ws-client.js';
import { CLOSE } from './session.js';

const databases = testDatabases('postgres');
/** Generous bounds for things that happen over the network; never a claim about speed. */
const SOON = { timeout: 10_000 };

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

interface RunningHub {
  hub: Hub;
  /** Everything the hub logged, parsed. */
  logs: LogLine[];
}

describe('several hubs on one Redis and one PostgreSQL', () => {
  let redis: TestRedisServer;
  let database: string;
  const hubs: Hub[] = [];
  const clients: TestClient[] = [];
  const probes: Redis[] = [];
  const proxies: TestTcpProxy[] = [];
  let child: ChildProcess | undefined;

  async function startHub(options: HubOptions = {}): Promise<RunningHub> {
    const logs: LogLine[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
    const hub = await createHub({ port: 0, database, redis: redis.url, logger, ...options, gateway: { heartbeatMs: 5000, ...options.gateway } });
    hubs.push(hub);
    return { hub, logs };
  }

  /** `clinic-chat-hub` as its own process on the same database and Redis; resolves with its WebSocket URL. */
  async function startHubProcess(): Promise<string> {
    child = spawn(process.execPath, ['--import', 'tsx', 'hub/bin.ts', '--port', '0', '--database', database, '--redis', redis.url, '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.includes('"event":"listening"')) {
        child.stdout!.resume();
        return (JSON.parse(line) as { wsUrl: string }).wsUrl;
      }
    }
    throw new Error('the hub process exited before listening');
  }

  async function connect(url: string, org: TestOrg, claims: Record<string, unknown>, options: Parameters<typeof TestClient.connect>[2] = {}) {
    const client = await TestClient.connect(url, await org.mint(claims), options);
    clients.push(client);
    return client;
  }
  const patient = (url: string, org: TestOrg, id: string, options?: Parameters<typeof TestClient.connect>[2]) =>
    connect(url, org, { sub: id, name: id.toUpperCase(), role: 'patient', visit: 'v1' }, options);
  const staff = (url: string, org: TestOrg, id: string, options?: Parameters<typeof TestClient.connect>[2]) =>
    connect(url, org, { sub: id, name: id, role: 'staff' }, options);

  function message(thread: string, id: string, from = thread, role: 'patient' | 'provider' = 'patient') {
    return { type: 'message' as const, id, thread, from: { id: from, name: from, role }, text: `text ${id}`, at: Date.now(), clock: 1 };
  }
  const isMessage = (f: Frame): f is Extract<Frame, { type: 'message' }> => f.type === 'message';
  const isAck = (f: Frame): f is Extract<Frame, { type: 'ack' }> => f.type === 'ack';
  const presenceOf = (id: string, ...states: string[]) => (f: Frame) => f.type === 'presence' && f.from.id === id && states.includes(f.state);

  /** Bytes that sniff as PNG. */
  function png(size: number): Uint8Array {
    const bytes = new Uint8Array(size).map((_, i) => i % 251);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return bytes;
  }

  /** A message with one image, then its chunks, as the widget's outbox sends them. */
  function sendImage(client: TestClient, thread: string, id: string, bytes: Uint8Array) {
    const count = Math.ceil(bytes.length / LIMITS.chunkBytes);
    client.send({ ...message(thread, id), attachments: [{ id: 'a1', name: 'photo.png', mime: 'image/png', size: bytes.length }] });
    for (let index = 0; index < count; index++) {
      const data = Buffer.from(bytes.subarray(index * LIMITS.chunkBytes, (index + 1) * LIMITS.chunkBytes)).toString('base64');
      client.send({ type: 'chunk', from: thread, thread, message: id, attachment: 'a1', index, count, data });
    }
  }

  const bytesOf = (client: TestClient, message: string) =>
    new Uint8Array(Buffer.concat(client.of('chunk').filter((c) => c.message === message).map((c) => Buffer.from(c.data, 'base64'))));

  /** A Redis client of the test's own, to look at what the hubs subscribed to and stored. */
  function probe(): Redis {
    const client = new Redis(redis.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    probes.push(client);
    return client;
  }

  /** The socket's close code, or undefined if it is still open after `ms` (a generous bound, not a speed claim). */
  async function closeCode(client: TestClient, ms = 20_000): Promise<number | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([client.closed(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function subscribers(client: Redis, channel: string): Promise<number> {
    const [, count] = (await client.pubsub('NUMSUB', channel)) as [string, number];
    return Number(count);
  }

  beforeEach(async () => {
    redis = await TestRedisServer.start();
    database = await databases.fresh();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.kill();
    for (const p of probes.splice(0)) p.disconnect();
    child?.kill('SIGKILL');
    child = undefined;
    await Promise.all(hubs.splice(0).map((h) => h.close()));
    for (const proxy of proxies.splice(0)) await proxy.cut();
    await redis.stop();
  });

  it('shows a patient on one hub to a provider on another, and carries messages, receipts and typing both ways once each, in order', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    await dr.waitFor(presenceOf('ana', 'joined'));
    ana.send({ type: 'presence', from: { id: 'ana', name: 'x', role: 'patient' }, state: 'joined' });
    await ana.waitFor(presenceOf('care-team', 'here'));

    // Both sides write at once; the database orders them, and each side sees the other's in that order.
    for (let i = 1; i <= 10; i++) {
      ana.send(message('ana', `p${i}`));
      if (i <= 5) dr.send(message('ana', `d${i}`, 'dr-lee', 'provider'));
    }
    await ana.waitForCount(isAck, 10);
    await dr.waitForCount(isAck, 5);
    await dr.waitForCount(isMessage, 10);
    await ana.waitForCount(isMessage, 5);
    // A last message each way: anything duplicated would have come before it.
    ana.send(message('ana', 'p-last'));
    await dr.waitFor((f) => isMessage(f) && f.id === 'p-last');
    dr.send(message('ana', 'd-last', 'dr-lee', 'provider'));
    await ana.waitFor((f) => isMessage(f) && f.id === 'd-last');

    const toDr = dr.frames.filter(isMessage);
    const toAna = ana.frames.filter(isMessage);
    expect(toDr.map((m) => m.id)).toEqual([...Array.from({ length: 10 }, (_, i) => `p${i + 1}`), 'p-last']);
    expect(toAna.map((m) => m.id)).toEqual([...Array.from({ length: 5 }, (_, i) => `d${i + 1}`), 'd-last']);
    for (const received of [toDr, toAna]) expect(received.map((m) => m.seq)).toEqual(received.map((m) => m.seq).sort((x, y) => x! - y!));
    // Every seq of the thread is someone's ack or someone's delivery, exactly once.
    const seqs = [...ana.of('ack'), ...dr.of('ack')].map((x) => x.seq);
    expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(toDr[0]).toMatchObject({ from: { id: 'ana', name: 'ANA', role: 'patient' } });

    dr.send({ type: 'delivered', from: 'dr-lee', thread: 'ana', ids: ['p1'] });
    dr.send({ type: 'read', from: 'dr-lee', thread: 'ana', ids: ['p1'] });
    expect(await ana.waitFor((f) => f.type === 'read')).toMatchObject({ from: 'dr-lee', thread: 'ana', ids: ['p1'] });
    expect(ana.of('delivered')).toMatchObject([{ from: 'dr-lee', ids: ['p1'] }]);
    ana.send({ type: 'read', from: 'ana', thread: 'ana', ids: ['d1'] });
    expect(await dr.waitFor((f) => f.type === 'read')).toMatchObject({ from: 'ana', thread: 'ana', ids: ['d1'] });

    ana.send({ type: 'typing', from: 'ana', thread: 'ana', active: true });
    expect(await dr.waitFor((f) => f.type === 'typing')).toMatchObject({ from: 'ana', thread: 'ana', active: true });
    dr.send({ type: 'typing', from: 'dr-lee', thread: 'ana', active: true });
    expect(await ana.waitFor((f) => f.type === 'typing')).toMatchObject({ from: 'dr-lee', thread: 'ana', active: true });

    dr.send({ type: 'ended', from: 'dr-lee', thread: 'ana', at: Date.now() });
    expect(await ana.waitFor((f) => f.type === 'ended')).toMatchObject({ from: 'dr-lee', thread: 'ana' });

    dr.close();
    await ana.waitFor(presenceOf('care-team', 'left'));
    ana.close();
    const rest = await staff(b.hub.wsUrl, clinic, 'dr-rest');
    rest.send({ type: 'presence', from: { id: 'dr-rest', name: 'x', role: 'provider' }, state: 'joined' });
    await rest.waitFor((f) => f.type === 'synced');
    // The patient has gone from every hub: no one shows them any more.
    await expect.poll(() => JSON.stringify(rest.of('presence')), SOON).not.toContain('"ana"');
  }, 30_000);

  it('carries a message to providers on two other hubs, once each, and their replies back', async () => {
    const [a, b, c] = [await startHub(), await startHub(), await startHub()];
    const clinic = await createTestOrg(a.hub.ctx);
    const onB = await staff(b.hub.wsUrl, clinic, 'dr-b');
    const onC = await staff(c.hub.wsUrl, clinic, 'dr-c');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    for (const dr of [onB, onC]) await dr.waitFor(presenceOf('ana', 'joined'));
    ana.send(message('ana', 'm1'));
    onB.send(message('ana', 'b1', 'dr-b', 'provider'));
    onC.send(message('ana', 'c1', 'dr-c', 'provider'));
    await ana.waitForCount(isMessage, 2);
    await onB.waitForCount(isMessage, 2);
    await onC.waitForCount(isMessage, 2);
    ana.send(message('ana', 'last'));
    for (const dr of [onB, onC]) await dr.waitFor((f) => isMessage(f) && f.id === 'last');
    expect(ana.frames.filter(isMessage).map((m) => m.id).sort()).toEqual(['b1', 'c1']);
    expect(onB.frames.filter(isMessage).map((m) => m.id).sort()).toEqual(['c1', 'last', 'm1']);
    expect(onC.frames.filter(isMessage).map((m) => m.id).sort()).toEqual(['b1', 'last', 'm1']);
  }, 30_000);

  it('gives a provider who is the first of the org on a hub the history of patients connected to another hub', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    ana.send(message('ana', 'm1'));
    await ana.waitFor(isAck);
    // As on one hub, the queue's patients come with their history without the client naming them,
    // even when its resume reaches hub B before Redis has told B who is on the other hubs.
    const dr = new TestClient(b.hub.wsUrl);
    clients.push(dr);
    await dr.open();
    dr.send({ type: 'auth', token: await clinic.mint({ sub: 'dr-lee', role: 'staff' }) });
    dr.send({ type: 'resume', seen: [] });
    await dr.waitFor((f) => f.type === 'synced');
    expect(dr.frames.filter(isMessage).map((m) => m.id)).toEqual(['m1']);
  }, 30_000);

  it('gives a provider who connects to one hub while a patient writes through another each message once, in order', async () => {
    const gateway = { perConnectionPerSecond: 10_000, perUserPerMinute: 100_000 };
    const a = await startHub({ gateway });
    const b = await startHub({ gateway });
    const clinic = await createTestOrg(a.hub.ctx);
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    const total = 400;
    const joining: Array<Promise<TestClient>> = [];
    for (let i = 1; i <= total; i++) {
      ana.send(message('ana', `b${i}`));
      // Providers arrive on hub B mid-burst: their history is read while live copies are on their way through Redis.
      if (i % 40 === 0) {
        joining.push(staff(b.hub.wsUrl, clinic, `dr-${i}`, { resume: [{ thread: 'ana', seq: 0 }] }));
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    await ana.waitForCount(isAck, total, 30_000);
    for (const dr of await Promise.all(joining)) {
      await dr.waitForCount(isMessage, total, 30_000);
      const seqs = dr.frames.filter(isMessage).map((m) => m.seq);
      expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
  }, 60_000);

  it('drops a live copy from another hub that arrives after the history that already carried it', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const channel = `clinic-chat:live:${clinic.org.id}`;
    const tap = probe();
    const wires: string[] = [];
    tap.on('message', (_channel: string, wire: string) => wires.push(wire));
    await tap.subscribe(channel);
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    ana.send(message('ana', 'm1'));
    await expect.poll(() => wires.filter((w) => w.includes('"seq":1')).length, SOON).toBe(1);
    // The provider's history, read from the database, carries m1...
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee', { resume: [{ thread: 'ana', seq: 0 }] });
    expect(dr.frames.filter(isMessage).map((m) => m.id)).toEqual(['m1']);
    // ...and hub A's live copy of it comes through Redis only now, as it can when Redis is slow.
    await probe().publish(channel, wires.find((w) => w.includes('"seq":1'))!);
    ana.send(message('ana', 'm2'));
    await dr.waitFor((f) => isMessage(f) && f.id === 'm2');
    expect(dr.frames.filter(isMessage).map((m) => m.seq)).toEqual([1, 2]);
  }, 30_000);

  it('moves the clients of a hub shut down for a restart to another hub, where they resume, and calls it no outage', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    ana.send(message('ana', 'm1'));
    await dr.waitFor((f) => isMessage(f) && f.id === 'm1');
    await b.hub.close();
    expect(await closeCode(dr)).toBe(CLOSE.restart);
    ana.send(message('ana', 'm2'));
    await ana.waitForCount(isAck, 2);
    const moved = await staff(a.hub.wsUrl, clinic, 'dr-lee', { resume: [{ thread: 'ana', seq: 1 }] });
    ana.send(message('ana', 'm3'));
    await moved.waitFor((f) => isMessage(f) && f.id === 'm3');
    expect([...dr.frames, ...moved.frames].filter(isMessage).map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(b.logs.filter((l) => l.level >= 40)).toEqual([]);
  }, 30_000);

  it('lists a hub among its org\'s hubs again after another hub took it off at the wrong moment', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    await patient(a.hub.wsUrl, clinic, 'ana');
    await dr.waitFor(presenceOf('ana', 'joined'));
    const look = probe();
    const listKey = `clinic-chat:presence-hubs:${clinic.org.id}`;
    const hubs = await look.smembers(listKey);
    const hashes = await Promise.all(hubs.map((hub) => look.hgetall(`clinic-chat:presence:${clinic.org.id}:${hub}`)));
    const hubA = hubs[hashes.findIndex((fields) => JSON.stringify(fields).includes('ana'))]!;
    // A reader that saw hub A's hash expired a moment before hub A wrote it again removes it from the list.
    await look.srem(listKey, hubA);
    await expect.poll(() => look.smembers(listKey), SOON).toContain(hubA);
    await expect.poll(() => dr.of('presence').filter((f) => f.from.id === 'ana').at(-1)?.state, SOON).toBe('joined');
  }, 30_000);

  it('subscribes a hub only to the orgs it has sockets in', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const other = await createTestOrg(a.hub.ctx, { name: 'Other Clinic' });
    await staff(b.hub.wsUrl, clinic, 'dr-lee');
    await patient(a.hub.wsUrl, clinic, 'ana');
    const bob = await patient(a.hub.wsUrl, other, 'bob');
    const look = probe();
    // The clinic has sockets on both hubs; the other org only on hub A.
    await expect.poll(() => subscribers(look, `clinic-chat:live:${clinic.org.id}`), SOON).toBe(2);
    await expect.poll(() => subscribers(look, `clinic-chat:live:${other.org.id}`), SOON).toBe(1);
    expect(await subscribers(look, `clinic-chat:presence:${other.org.id}`)).toBe(1);
    expect(await look.pubsub('NUMPAT')).toBe(0);
    // It was hub A's: when its last socket of that org leaves, no hub listens to the org any more.
    bob.close();
    await expect.poll(() => subscribers(look, `clinic-chat:live:${other.org.id}`), SOON).toBe(0);
    await expect.poll(() => subscribers(look, `clinic-chat:presence:${other.org.id}`), SOON).toBe(0);
    expect(await subscribers(look, `clinic-chat:live:${clinic.org.id}`)).toBe(2);
  }, 30_000);

  it('logs and ignores what it cannot read on an org\'s channel, and goes on carrying frames', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    await dr.waitFor(presenceOf('ana', 'joined'));
    const look = probe();
    const channel = `clinic-chat:live:${clinic.org.id}`;
    for (const junk of ['not json', JSON.stringify({ hub: 'elsewhere' }), JSON.stringify({ hub: 'elsewhere', envelope: { org: clinic.org.id } })]) await look.publish(channel, junk);
    await expect.poll(() => b.logs.filter((l) => l.msg === 'a message from redis could not be handled').length, SOON).toBe(3);
    ana.send(message('ana', 'm1'));
    expect(await dr.waitFor((f) => isMessage(f) && f.id === 'm1')).toMatchObject({ seq: 1 });
  }, 30_000);

  it('counts the per-person rate limit across both hubs', async () => {
    const gateway = { perUserPerMinute: 5, perConnectionPerSecond: 1000 };
    const a = await startHub({ gateway });
    const b = await startHub({ gateway });
    const clinic = await createTestOrg(a.hub.ctx);
    const onA = await patient(a.hub.wsUrl, clinic, 'ana');
    const onB = await patient(b.hub.wsUrl, clinic, 'ana');
    for (let i = 1; i <= 3; i++) onA.send(message('ana', `a${i}`));
    await onA.waitForCount(isAck, 3);
    // Three more through the other hub: only two are left of the person's five.
    for (let i = 1; i <= 3; i++) onB.send(message('ana', `b${i}`));
    await onB.waitForCount((f) => f.type === 'ack' || f.type === 'error', 3);
    expect(onB.of('ack').map((x) => x.id)).toEqual(['b1', 'b2']);
    expect(onB.of('error')).toMatchObject([{ code: 'rate-limited', ref: 'b3' }]);
    // Typing frames spend from the same budget, on either hub.
    onA.send({ type: 'typing', from: 'ana', thread: 'ana', active: true });
    expect(await onA.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'rate-limited' });
  }, 30_000);

  it('serves an attachment sent through one hub from another: live, on resume after a reconnect, and over REST', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    const bytes = png(40_000);
    sendImage(ana, 'ana', 'img', bytes);
    expect(await ana.waitFor(isAck)).toMatchObject({ id: 'img', seq: 1 });
    const chunks = Math.ceil(bytes.length / LIMITS.chunkBytes);
    await dr.waitForCount((f) => f.type === 'chunk', chunks);
    expect(bytesOf(dr, 'img')).toEqual(bytes);

    // The patient comes back through hub B with nothing held: B replays the file from the database.
    ana.close();
    await ana.closed();
    const again = await patient(b.hub.wsUrl, clinic, 'ana');
    expect(again.frames.filter(isMessage)).toMatchObject([{ id: 'img', seq: 1, attachments: [{ id: 'a1', name: 'photo.png', mime: 'image/png', size: bytes.length }] }]);
    expect(bytesOf(again, 'img')).toEqual(bytes);

    const token = await clinic.mint({ sub: 'dr-lee', role: 'staff' });
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const list = (await (await fetch(`${b.hub.url}/v1/conversations`, auth)).json()) as { conversations: Array<{ id: string }> };
    const page = (await (await fetch(`${b.hub.url}/v1/conversations/${list.conversations[0]!.id}/messages`, auth)).json()) as {
      messages: Array<{ attachments: Array<{ id: string }> }>;
    };
    const res = await fetch(`${b.hub.url}/v1/attachments/${page.messages[0]!.attachments[0]!.id}`, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  }, 30_000);

  it('shows the patients of a hub that was killed as gone to the care team on another hub', async () => {
    const b = await startHub();
    const clinic = await createTestOrg(b.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const killedUrl = await startHubProcess();
    const ana = await patient(killedUrl, clinic, 'ana');
    await dr.waitFor(presenceOf('ana', 'joined'));
    const look = probe();
    expect(await look.keys(`clinic-chat:presence:${clinic.org.id}:*`)).toHaveLength(2);

    child!.kill('SIGKILL');
    await ana.closed();
    // The dead hub said nothing: its presence expires in Redis and hub B notices on a sweep.
    const left = await dr.waitFor(presenceOf('ana', 'left'), 20_000);
    expect(left).toBeDefined();
    expect(await look.keys(`clinic-chat:presence:${clinic.org.id}:*`)).toHaveLength(1);
    expect(dr.closeCode).toBeUndefined();
  }, 40_000);

  it('keeps each hub serving its own sockets while Redis is down, and catches the others up by resume once it returns', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const drB = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const drA = await staff(a.hub.wsUrl, clinic, 'dr-kim');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    await drB.waitFor(presenceOf('ana', 'joined'));
    ana.send(message('ana', 'before'));
    await drB.waitFor((f) => isMessage(f) && f.id === 'before');

    await redis.stop();
    for (const hub of [a, b]) {
      await expect.poll(async () => {
        const res = await fetch(`${hub.hub.url}/health`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }, SOON).toMatchObject({ status: 200, body: { ok: true, database: 'up', redis: 'down' } });
      expect(hub.logs.some((l) => l.level === 40 && l.msg.startsWith('redis unreachable'))).toBe(true);
    }
    // Hub A still carries its own sockets' chat.
    ana.send(message('ana', 'during'));
    expect(await ana.waitFor((f) => isAck(f) && f.id === 'during')).toMatchObject({ seq: 2 });
    expect(await drA.waitFor((f) => isMessage(f) && f.id === 'during')).toMatchObject({ seq: 2 });
    drA.send(message('ana', 'reply', 'dr-kim', 'provider'));
    expect(await ana.waitFor((f) => isMessage(f) && f.id === 'reply')).toMatchObject({ seq: 3 });
    expect(drB.frames.some((f) => isMessage(f) && f.id === 'during')).toBe(false);

    // Redis returns, empty. The hubs reconnect by themselves and ask the org's sockets on both to resume.
    await redis.restart();
    for (const client of [drB, drA, ana]) expect(await closeCode(client)).toBe(CLOSE.restart);
    for (const hub of [a, b]) {
      await expect.poll(async () => ((await (await fetch(`${hub.hub.url}/health`)).json()) as { redis: string }).redis, SOON).toBe('up');
      expect(hub.logs.some((l) => l.msg === 'redis reachable again: catching up')).toBe(true);
      expect(hub.logs.some((l) => l.msg === 'asking sockets to resume after a redis outage')).toBe(true);
    }
    const seen = Math.max(...drB.frames.filter(isMessage).map((m) => m.seq!));
    const back = await staff(b.hub.wsUrl, clinic, 'dr-lee', { resume: [{ thread: 'ana', seq: seen }] });
    const all = [...drB.frames, ...back.frames].filter(isMessage);
    expect(all.map((m) => m.id)).toEqual(['before', 'during', 'reply']);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3]);

    // And live across hubs again: presence and messages.
    const anaAgain = await patient(a.hub.wsUrl, clinic, 'ana', { resume: [{ thread: 'ana', seq: 3 }] });
    expect(anaAgain.frames.filter(isMessage)).toEqual([]);
    await back.waitFor(presenceOf('ana', 'joined'));
    anaAgain.send(message('ana', 'after'));
    expect(await back.waitFor((f) => isMessage(f) && f.id === 'after')).toMatchObject({ seq: 4 });
    // Bodies stay out of the logs, outage or not.
    for (const hub of [a, b]) expect(JSON.stringify(hub.logs)).not.toContain('text ');
  }, 60_000);

  it('shuts down while Redis is down, closing its sockets with the resumable code', async () => {
    const a = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    await redis.stop();
    await expect.poll(async () => ((await (await fetch(`${a.hub.url}/health`)).json()) as { redis: string }).redis, SOON).toBe('down');
    await a.hub.close();
    expect(await closeCode(ana)).toBe(CLOSE.restart);
  }, 30_000);

  it('catches up both sides when one hub alone loses Redis while the other keeps it', async () => {
    const proxy = await TestTcpProxy.start(redis.port);
    proxies.push(proxy);
    const a = await startHub({ redis: `redis://127.0.0.1:${proxy.port}` });
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    await dr.waitFor(presenceOf('ana', 'joined'));
    ana.send(message('ana', 'before'));
    await dr.waitFor((f) => isMessage(f) && f.id === 'before');

    await proxy.cut();
    await expect.poll(async () => ((await (await fetch(`${a.hub.url}/health`)).json()) as { redis: string }).redis, SOON).toBe('down');
    expect(((await (await fetch(`${b.hub.url}/health`)).json()) as { redis: string }).redis).toBe('up');
    // Hub B publishes into a Redis hub A cannot hear; hub A cannot publish at all.
    dr.send(message('ana', 'from-b', 'dr-lee', 'provider'));
    await dr.waitFor((f) => isAck(f) && f.id === 'from-b');
    ana.send(message('ana', 'from-a'));
    await ana.waitFor((f) => isAck(f) && f.id === 'from-a');

    await proxy.restore();
    expect(await closeCode(ana)).toBe(CLOSE.restart);
    expect(await closeCode(dr)).toBe(CLOSE.restart);
    const anaBack = await patient(a.hub.wsUrl, clinic, 'ana', { resume: [{ thread: 'ana', seq: 1 }] });
    const drBack = await staff(b.hub.wsUrl, clinic, 'dr-lee', { resume: [{ thread: 'ana', seq: 1 }] });
    for (const [before, after] of [[ana, anaBack], [dr, drBack]] as const) {
      const ids = [...before.frames, ...after.frames].filter(isMessage).map((m) => m.id);
      expect(ids.filter((id) => id === 'from-a' || id === 'from-b').sort()).toEqual(['from-a', 'from-b']);
      expect(after.frames.filter(isMessage).map((m) => m.seq)).toEqual([2, 3]);
    }
  }, 60_000);

  it('catches up the care team on another hub with what a patient who came and went during the outage wrote', async () => {
    const a = await startHub();
    const b = await startHub();
    const clinic = await createTestOrg(a.hub.ctx);
    // Before the outage the clinic has no one on hub A: hub B sees no one else there.
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    await redis.stop();
    await expect.poll(async () => ((await (await fetch(`${a.hub.url}/health`)).json()) as { redis: string }).redis, SOON).toBe('down');
    const walkIn = await patient(a.hub.wsUrl, clinic, 'walk-in');
    walkIn.send(message('walk-in', 'w1'));
    await walkIn.waitFor(isAck);
    walkIn.close();
    await walkIn.closed();

    await redis.restart();
    expect(await closeCode(dr)).toBe(CLOSE.restart);
    // The client resumes the threads it knows (the walk-in has left, so it is not in the queue).
    const back = await staff(b.hub.wsUrl, clinic, 'dr-lee', { resume: [{ thread: 'walk-in', seq: 0 }] });
    expect(back.frames.filter(isMessage).map((m) => m.id)).toEqual(['w1']);
  }, 60_000);

  it('serves its own sockets when it starts without Redis, and catches up the other hubs once Redis is there', async () => {
    const b = await startHub();
    const clinic = await createTestOrg(b.hub.ctx);
    const dr = await staff(b.hub.wsUrl, clinic, 'dr-lee');
    await redis.stop();
    const a = await startHub();
    expect(a.logs.some((l) => l.level === 40 && l.msg.startsWith('redis unreachable at start'))).toBe(true);
    const ana = await patient(a.hub.wsUrl, clinic, 'ana');
    ana.send(message('ana', 'hello'));
    await ana.waitFor(isAck);

    await redis.restart();
    expect(await closeCode(dr)).toBe(CLOSE.restart);
    const back = await staff(b.hub.wsUrl, clinic, 'dr-lee', { resume: [{ thread: 'ana', seq: 0 }] });
    expect(back.frames.filter(isMessage).map((m) => m.id)).toEqual(['hello']);
  }, 60_000);
});
