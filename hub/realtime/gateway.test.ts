// The gateway through a real hub on an ephemeral port, with real `ws` clients and a real SQLite file.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, type Frame } from '../../protocol/index.js';
import { countMessages, storeMessageIn } from '../db/repositories/messages.js';
import { createHub, type Hub, type HubOptions } from '../hub.js';
import { getPatientByExternalId } from '../db/repositories/people.js';
import { attackMatrix, createTestOrg, type TestOrg } from '../testing/tokens.js';
import { TestClient } from '../testing/ws-client.js';
import { CLOSE } from './session.js';
import { eachDialect } from '../testing/databases.js';

eachDialect((databases) => {
  const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });
  let dir: string;
  let hub: Hub;
  let clinic: TestOrg;
  const clients: TestClient[] = [];

  async function start(options: HubOptions = {}) {
    hub = await createHub({ port: 0, dataDir: dir, database: await databases.fresh(), blobs: 'files', logger: silent, ...options, gateway: { heartbeatMs: 300, ...options.gateway } });
    clinic = await createTestOrg(hub.ctx);
  }

  async function connect(claims: Record<string, unknown>, org: TestOrg = clinic, options: Parameters<typeof TestClient.connect>[2] = {}) {
    const client = await TestClient.connect(hub.wsUrl, await org.mint(claims), options);
    clients.push(client);
    return client;
  }
  const patient = (id: string, org?: TestOrg) => connect({ sub: id, name: id.toUpperCase(), role: 'patient', visit: 'v1' }, org);
  const staff = (id: string, org?: TestOrg) => connect({ sub: id, name: id, role: 'staff' }, org);

  function message(thread: string, id: string, text = `text ${id}`, from = thread) {
    return { type: 'message' as const, id, thread, from: { id: from, name: from, role: 'patient' as const }, text, at: Date.now(), clock: 1 };
  }
  const isMessage = (f: Frame): f is Extract<Frame, { type: 'message' }> => f.type === 'message';
  const isAck = (f: Frame) => f.type === 'ack';

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

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clinic-chat-hub-'));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.kill();
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('hub gateway', () => {
    it('stores a message, acks it with its sequence number, and relays receipts back', async () => {
      await start();
      const dr = await staff('dr-lee');
      const ana = await patient('ana');
      ana.send(message('ana', 'm1', 'hello'));
      const ack = await ana.waitFor((f) => f.type === 'ack');
      expect(ack).toMatchObject({ type: 'ack', id: 'm1', thread: 'ana', seq: 1 });
      expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(1);
      const got = await dr.waitFor(isMessage);
      // The hub, not the frame, says who wrote it.
      expect(got).toMatchObject({ id: 'm1', thread: 'ana', seq: 1, text: 'hello', from: { id: 'ana', name: 'ANA', role: 'patient' } });
      dr.send({ type: 'delivered', from: 'dr-lee', thread: 'ana', ids: ['m1'] });
      dr.send({ type: 'read', from: 'dr-lee', thread: 'ana', ids: ['m1'] });
      await ana.waitFor((f) => f.type === 'read');
      expect(ana.of('delivered')[0]).toMatchObject({ from: 'dr-lee', ids: ['m1'] });
      const cursor = () => hub.ctx.db.selectFrom('read_cursors').selectAll().where('participant_kind', '=', 'staff').executeTakeFirst();
      await expect.poll(async () => [Number((await cursor())?.delivered_seq), Number((await cursor())?.read_seq)]).toEqual([1, 1]);
      // The clinician's read is audited, with ids and a sequence number only.
      const trail = await hub.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'messages.read').execute();
      expect(trail).toMatchObject([{ actor_kind: 'staff', subject_type: 'conversation', detail: JSON.stringify({ upToSeq: 1 }) }]);
      expect(JSON.stringify(trail)).not.toContain('hello');
    });

    it('stores one message for a client id sent twice, and acks both with the same seq', async () => {
      await start();
      const ana = await patient('ana');
      ana.send(message('ana', 'dup'));
      ana.send(message('ana', 'dup'));
      await ana.waitForCount((f) => f.type === 'ack', 2);
      expect(ana.of('ack').map((a) => a.seq)).toEqual([1, 1]);
      expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(1);
    });

    it('shows a connecting patient to the care team, and says when they leave', async () => {
      await start();
      const dr = await staff('dr-lee');
      const ana = await patient('ana');
      await dr.waitFor((f) => f.type === 'presence' && f.from.id === 'ana' && f.state === 'joined');
      expect(ana.frames.some((f) => f.type === 'presence' && f.from.id === 'care-team' && f.state === 'here')).toBe(false);
      ana.send({ type: 'presence', from: { id: 'ana', name: 'x', role: 'patient' }, state: 'joined' });
      await ana.waitFor((f) => f.type === 'presence' && f.from.id === 'care-team' && f.state === 'here');
      ana.close();
      await dr.waitFor((f) => f.type === 'presence' && f.from.id === 'ana' && f.state === 'left');
    });

    it('notices a patient whose network vanished within a few heartbeats', async () => {
      await start();
      const dr = await staff('dr-lee');
      const ana = await patient('ana');
      // Stop answering pings without closing: the socket is silently dead.
      (ana.ws as unknown as { _receiver: { removeAllListeners(): void } })._receiver.removeAllListeners();
      ana.ws.pong = () => undefined;
      (ana.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const left = await dr.waitFor((f) => f.type === 'presence' && f.from.id === 'ana' && f.state === 'left', 3000);
      expect(left).toBeDefined();
    });

    it('resumes a client that dropped mid-burst with exactly what it missed, in order', async () => {
      await start({ gateway: { perConnectionPerSecond: 10_000, perUserPerMinute: 100_000 } });
      const dr = await staff('dr-lee');
      const ana = await patient('ana');
      const total = 300;
      for (let i = 1; i <= total; i++) {
        ana.send(message('ana', `b${i}`));
        if (i === 100) {
          await dr.waitForCount(isMessage, 50);
          dr.kill();
        }
      }
      await ana.waitForCount((f) => f.type === 'ack', total);
      const before = dr.frames.filter(isMessage);
      const last = Math.max(...before.map((m) => m.seq!));
      const again = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'dr-lee', role: 'staff' }), { resume: [{ thread: 'ana', seq: last }] });
      clients.push(again);
      const after = again.frames.filter(isMessage);
      const all = [...before, ...after].map((m) => m.seq!);
      console.info(`resume mid-burst: ${total} sent, ${new Set(all).size} received, ${all.length - new Set(all).size} duplicated, ${before.length} before the drop`);
      expect(new Set(all).size).toBe(total); // 0 lost
      expect(all.length).toBe(total); // 0 duplicated
      expect(all).toEqual([...all].sort((a, b) => a - b)); // order kept
      expect(after[0].seq).toBe(last + 1);
    });

    it('refuses cross-org and cross-patient writes and stores nothing', async () => {
      await start();
      const other = await createTestOrg(hub.ctx, { name: 'Other Clinic' });
      await patient('bob', other);
      const drA = await staff('dr-a');
      const ana = await patient('ana');
      drA.send({ ...message('bob', 's1'), from: { id: 'dr-a', name: 'A', role: 'provider' } });
      expect(await drA.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'not-found', ref: 's1' });
      ana.send(message('eve', 'p1', 'into someone else', 'ana'));
      expect(await ana.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'not-allowed', ref: 'p1' });
      expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(0);
      expect(await countMessages(hub.ctx.db, other.org.id)).toBe(0);
    });

    it('answers malformed, unknown, binary and oversize frames with typed errors and keeps the socket', async () => {
      await start();
      const ana = await patient('ana');
      ana.sendRaw('{not json');
      ana.sendRaw(JSON.stringify({ v: 1, type: 'teleport' }));
      ana.sendRaw(JSON.stringify({ v: 2, type: 'message' }));
      ana.sendRaw(JSON.stringify({ v: 1, type: 'message', id: 'bad', thread: 'ana' }));
      ana.sendRaw(Buffer.from([1, 2, 3]));
      ana.sendRaw('x'.repeat(LIMITS.frameChars + 1));
      ana.send({ type: 'ack', id: 'x', thread: 'ana', seq: 1, at: 1 });
      await ana.waitForCount((f) => f.type === 'error', 7);
      expect(ana.of('error').map((e) => e.code)).toEqual(['malformed', 'unknown-type', 'unsupported-version', 'invalid', 'malformed', 'too-large', 'not-allowed']);
      ana.send(message('ana', 'still-works'));
      expect(await ana.waitFor((f) => f.type === 'ack')).toMatchObject({ id: 'still-works' });
      expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(1);
    });

    it('closes a socket that sends anything before auth, or nothing in time', async () => {
      await start({ gateway: { authTimeoutMs: 200 } });
      const eager = new TestClient(hub.wsUrl);
      clients.push(eager);
      await eager.open();
      eager.send(message('ana', 'early'));
      expect(await eager.closed()).toBe(CLOSE.unauthorized);
      expect(eager.of('error')[0]).toMatchObject({ code: 'unauthorized' });
      const silentClient = new TestClient(hub.wsUrl);
      clients.push(silentClient);
      expect(await silentClient.closed()).toBe(CLOSE.authTimeout);
    });

    it('closes with 4001 for a bad token and 4003 for an origin the org does not allow', async () => {
      await start();
      const forged = new TestClient(hub.wsUrl);
      clients.push(forged);
      await forged.open();
      forged.send({ type: 'auth', token: (await clinic.mint({ sub: 'ana' })).slice(0, -4) + 'AAAA' });
      expect(await forged.closed()).toBe(CLOSE.unauthorized);
      const elsewhere = new TestClient(hub.wsUrl, { origin: 'https://evil.example' });
      clients.push(elsewhere);
      await elsewhere.open();
      elsewhere.send({ type: 'auth', token: await clinic.mint({ sub: 'ana' }) });
      expect(await elsewhere.closed()).toBe(CLOSE.forbidden);
      expect(await getPatientByExternalId(hub.ctx.db, clinic.org.id, 'ana')).toBeUndefined();
      const allowed = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'ana' }), { origin: clinic.origin });
      clients.push(allowed);
      expect(allowed.of('ready')).toHaveLength(1);
    });

    it('refuses every token of the JWT attack matrix with 4001 and records no one', async () => {
      await start();
      for (const attack of await attackMatrix(hub.ctx, clinic)) {
        const client = new TestClient(hub.wsUrl);
        clients.push(client);
        await client.open();
        client.send({ type: 'auth', token: attack.token });
        expect(await client.closed(), attack.name).toBe(CLOSE.unauthorized);
        expect(client.of('error')[0], attack.name).toMatchObject({ code: 'unauthorized', message: attack.reason });
      }
      expect(await hub.ctx.db.selectFrom('patients').selectAll().execute()).toEqual([]);
      expect(await hub.ctx.db.selectFrom('staff').selectAll().execute()).toEqual([]);
    });

    it('closes the socket when its token expires, unless a fresh token for the same person arrives', async () => {
      // `exp` has whole seconds: 2 s from now is at least 1 s of life, plenty to authenticate first.
      await start({ clockToleranceSec: 0 });
      const short = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'ana' }, { expiresIn: 2 }));
      clients.push(short);
      const refreshed = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'ben' }, { expiresIn: 2 }));
      clients.push(refreshed);
      refreshed.send({ type: 'auth', token: await clinic.mint({ sub: 'ben' }, { expiresIn: 60 }) });
      expect(await short.closed()).toBe(CLOSE.unauthorized);
      expect(short.of('error').at(-1)).toMatchObject({ code: 'unauthorized', message: 'token expired' });
      expect(refreshed.closeCode).toBeUndefined();
      refreshed.send({ type: 'auth', token: await clinic.mint({ sub: 'someone-else' }) });
      expect(await refreshed.closed()).toBe(CLOSE.unauthorized);
    });

    it('rate-limits a flooding socket with a typed error and stores nothing beyond the limit', async () => {
      await start({ gateway: { perConnectionPerSecond: 5 } });
      const ana = await patient('ana');
      for (let i = 0; i < 20; i++) ana.send(message('ana', `r${i}`));
      await ana.waitForCount((f) => f.type === 'ack' || f.type === 'error', 20);
      const refused = ana.of('error');
      // The first refusal is the limit; the later messages wait behind it (they may not overtake it).
      expect(refused[0]).toMatchObject({ code: 'rate-limited' });
      expect(refused.every((e) => e.code === 'rate-limited' || e.code === 'overloaded')).toBe(true);
      expect(refused.length).toBeGreaterThanOrEqual(10); // at most two 1-second windows of 5
      expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(ana.of('ack').length);
    });

    it('refuses a message with overloaded while the write backlog is full, and stores nothing', async () => {
      await start({ gateway: { maxWriteBacklog: 0 } });
      const ana = await patient('ana');
      ana.send(message('ana', 'busy'));
      expect(await ana.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'overloaded', ref: 'busy' });
      expect(await countMessages(hub.ctx.db, clinic.org.id)).toBe(0);
    });

    it('keeps a sender\'s order when a message is turned away for now: later ones wait for its resend', async () => {
      await start({ gateway: { perConnectionPerSecond: 1 } });
      const ana = await patient('ana');
      const seqOf = (id: string) => ana.of('ack').find((a) => a.id === id)?.seq;
      ana.send(message('ana', 'x'));
      ana.send(message('ana', 'a')); // over the limit: rate-limited, to be resent
      expect(await ana.waitFor((f) => f.type === 'error' && f.ref === 'a')).toMatchObject({ code: 'rate-limited' });
      await new Promise((r) => setTimeout(r, 1100));
      ana.send(message('ana', 'b')); // written later: must not overtake `a`
      expect(await ana.waitFor((f) => f.type === 'error' && f.ref === 'b')).toMatchObject({ code: 'overloaded' });
      ana.send(message('ana', 'a'));
      await ana.waitFor((f) => f.type === 'ack' && f.id === 'a');
      await new Promise((r) => setTimeout(r, 1100));
      ana.send(message('ana', 'b'));
      await ana.waitFor((f) => f.type === 'ack' && f.id === 'b');
      expect([seqOf('x'), seqOf('a'), seqOf('b')]).toEqual([1, 2, 3]);
    });

    it('creates no conversation when the care team resumes a thread that has none', async () => {
      await start();
      await patient('quiet');
      await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'dr-lee', role: 'staff' }), { resume: [{ thread: 'quiet', seq: 0 }] }).then((c) => clients.push(c));
      expect(await hub.ctx.db.selectFrom('conversations').selectAll().execute()).toEqual([]);
    });

    it('closes a slow reader with a resumable code instead of buffering without bound', async () => {
      await start({ gateway: { heartbeatMs: 60_000, maxBufferedBytes: 64 * 1024, perConnectionPerSecond: 100_000, perUserPerMinute: 1_000_000 } });
      const dr = await staff('dr-lee');
      (dr.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const ana = await patient('ana');
      const text = 'y'.repeat(3000);
      for (let i = 0; i < 3000 && dr.closeCode === undefined; i++) {
        ana.send(message('ana', `f${i}`, text));
        if (i % 200 === 199) await ana.waitForCount((f) => f.type === 'ack', i + 1);
      }
      (dr.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await dr.closed()).toBe(CLOSE.tryAgain);
    }, 30_000);

    it('stores an image sent in chunks, checks its type by content, and relays it', async () => {
      await start();
      const dr = await staff('dr-lee');
      const ana = await patient('ana');
      const png = new Uint8Array(40_000).map((_, i) => i % 251);
      png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const chunkCount = Math.ceil(png.length / LIMITS.chunkBytes);
      ana.send({ ...message('ana', 'img'), attachments: [{ id: 'a1', name: 'rash.png', mime: 'image/png', size: png.length }] });
      for (let index = 0; index < chunkCount; index++) {
        const data = Buffer.from(png.subarray(index * LIMITS.chunkBytes, (index + 1) * LIMITS.chunkBytes)).toString('base64');
        ana.send({ type: 'chunk', from: 'ana', thread: 'ana', message: 'img', attachment: 'a1', index, count: chunkCount, data });
      }
      await ana.waitFor((f) => f.type === 'ack');
      await dr.waitForCount((f) => f.type === 'chunk', chunkCount);
      const bytes = Buffer.concat(dr.of('chunk').map((c) => Buffer.from(c.data, 'base64')));
      expect(new Uint8Array(bytes)).toEqual(png);
      const files = await readdir(join(dir, 'attachments', clinic.org.id));
      expect(files).toHaveLength(1);

      ana.send({ ...message('ana', 'fake'), attachments: [{ id: 'a2', name: 'x.png', mime: 'image/png', size: 5 }] });
      ana.send({ type: 'chunk', from: 'ana', thread: 'ana', message: 'fake', attachment: 'a2', index: 0, count: 1, data: Buffer.from('MZ...').toString('base64') });
      expect(await ana.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'unsupported-type', ref: 'fake' });
    });

    it('closes every socket with a resumable code on shutdown, after committing what it acked', async () => {
      await start();
      const ana = await patient('ana');
      ana.send(message('ana', 'last'));
      await ana.waitFor((f) => f.type === 'ack');
      await hub.close();
      expect(await ana.closed()).toBe(CLOSE.restart);
    });

    it('gives a reconnecting client history and live messages in order, each once, even when a live one comes before its resume', async () => {
      await start();
      const ana = await patient('ana');
      ana.send(message('ana', 'h1'));
      ana.send(message('ana', 'h2'));
      await ana.waitForCount(isAck, 2);
      // The care team's socket is authenticated but has not said what it has seen yet...
      const dr = new TestClient(hub.wsUrl);
      clients.push(dr);
      await dr.open();
      dr.send({ type: 'auth', token: await clinic.mint({ sub: 'dr-lee', role: 'staff' }) });
      await dr.waitFor((f) => f.type === 'ready');
      // ...when the patient writes again.
      ana.send(message('ana', 'live'));
      await ana.waitForCount(isAck, 3);
      dr.send({ type: 'resume', seen: [] });
      await dr.waitFor((f) => f.type === 'synced');
      expect(dr.frames.filter(isMessage).map((m) => m.seq)).toEqual([1, 2, 3]);
    });

    it('replays a backlog longer than one page in full and in order', async () => {
      await start({ gateway: { maxBufferedBytes: 64 * 1024 * 1024 } });
      const ana = await patient('ana');
      ana.send(message('ana', 'm1'));
      await ana.waitFor(isAck);
      const conversation = await hub.ctx.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
      const total = 1250; // two and a half resume pages of 500
      await hub.ctx.db.transaction().execute(async (trx) => {
        for (let n = 2; n <= total; n++) {
          const input = { orgId: clinic.org.id, conversationId: conversation.id, clientId: `m${n}`, authorKind: 'patient' as const, authorId: conversation.patient_id, authorName: 'ANA', body: `m${n}`, sentAt: n, attachments: [] };
          await storeMessageIn(trx, input);
        }
      });
      const dr = await staff('dr-lee');
      expect(dr.frames.filter(isMessage).map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }, 30_000);

    it('keeps apart orgs whose ids differ only in where a colon falls, and stores attachments for ids with punctuation', async () => {
      await start();
      const east = await createTestOrg(hub.ctx, { id: 'acme:east' });
      const acme = await createTestOrg(hub.ctx, { id: 'acme' });
      const z = await patient('z', east);
      z.send(message('z', 'm1'));
      expect(await z.waitFor((f) => f.type === 'ack' || f.type === 'error')).toMatchObject({ type: 'ack', id: 'm1' });
      const eastZ = await patient('east:z', acme);
      eastZ.send(message('east:z', 'm1'));
      expect(await eastZ.waitFor((f) => f.type === 'ack' || f.type === 'error')).toMatchObject({ type: 'ack', id: 'm1', seq: 1 });
      expect(await countMessages(hub.ctx.db, 'acme')).toBe(1);
      sendImage(z, 'z', 'img', png(1000));
      expect(await z.waitFor((f) => (f.type === 'ack' && f.id === 'img') || f.type === 'error')).toMatchObject({ type: 'ack', id: 'img' });
    });

    it('acks a resent attachment message that is already stored without writing its file again', async () => {
      await start();
      const ana = await patient('ana');
      const bytes = png(20_000);
      sendImage(ana, 'ana', 'img', bytes);
      await ana.waitFor(isAck);
      sendImage(ana, 'ana', 'img', bytes);
      await ana.waitForCount(isAck, 2);
      expect(ana.of('ack').map((a) => a.seq)).toEqual([1, 1]);
      expect(await readdir(join(dir, 'attachments', clinic.org.id))).toHaveLength(1);
    });

    it('forgets an attachment upload that stops sending chunks, giving back its share of the upload budget', async () => {
      await start({ gateway: { maxUploadBytes: 100_000, uploadIdleMs: 400 } });
      const ana = await patient('ana');
      ana.send({ ...message('ana', 'stalled'), attachments: [{ id: 'a1', name: 'big.png', mime: 'image/png', size: 99_500 }] });
      const small = png(1000);
      sendImage(ana, 'ana', 'small', small);
      expect(await ana.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'overloaded', ref: 'small' });
      await new Promise((r) => setTimeout(r, 1200));
      sendImage(ana, 'ana', 'small', small);
      expect(await ana.waitFor(isAck)).toMatchObject({ id: 'small' });
    });

    it('stops reading a socket whose frames pile up behind slow work, then answers every one of them', async () => {
      await start({ gateway: { heartbeatMs: 60_000 } });
      const ana = await patient('ana');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const put = hub.ctx.blobs.put.bind(hub.ctx.blobs);
      hub.ctx.blobs.put = async (key, bytes) => {
        await gate;
        return put(key, bytes);
      };
      sendImage(ana, 'ana', 'img', png(1000));
      const flood = 500;
      for (let i = 0; i < flood; i++) ana.send({ type: 'ack', id: `x${i}`, thread: 'ana', seq: 1, at: 1 });
      const sessions = (hub.gateway as unknown as { sessions: Set<{ ws: { isPaused: boolean } }> }).sessions;
      await expect.poll(() => [...sessions].some((s) => s.ws.isPaused)).toBe(true);
      release();
      expect(await ana.waitFor(isAck)).toMatchObject({ id: 'img' });
      await ana.waitForCount((f) => f.type === 'error', flood);
      expect([...sessions].some((s) => s.ws.isPaused)).toBe(false);
    });

    describe('relay mode', () => {
      it('delivers a returning patient\'s new conversation to a care team that stayed connected', async () => {
        await start({ ephemeral: true });
        const first = await patient('ana');
        first.send(message('ana', 'm1'));
        await first.waitFor(isAck);
        const dr = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'dr-lee', role: 'staff' }), { resume: [{ thread: 'ana', seq: 0 }] });
        clients.push(dr);
        expect(dr.frames.filter(isMessage).map((m) => m.seq)).toEqual([1]);
        first.close();
        await dr.waitFor((f) => f.type === 'presence' && f.from.id === 'ana' && f.state === 'left');
        await expect.poll(() => countMessages(hub.ctx.db, clinic.org.id)).toBe(0);
        // The conversation was forgotten: the patient's next one counts from 1 again.
        const again = await patient('ana');
        again.send(message('ana', 'n1'));
        expect(await again.waitFor(isAck)).toMatchObject({ id: 'n1', seq: 1 });
        expect(await dr.waitFor((f) => isMessage(f) && f.id === 'n1')).toMatchObject({ seq: 1 });
      });

      it('writes no file and forgets a conversation when its patient leaves', async () => {
        await start({ ephemeral: true });
        const dr = await staff('dr-lee');
        const ana = await patient('ana');
        ana.send(message('ana', 'm1', 'ephemeral'));
        await dr.waitFor(isMessage);
        expect(await readdir(dir)).toEqual([]);
        ana.close();
        await dr.waitFor((f) => f.type === 'presence' && f.from.id === 'ana' && f.state === 'left');
        await expect.poll(() => countMessages(hub.ctx.db, clinic.org.id)).toBe(0);
        const later = await TestClient.connect(hub.wsUrl, await clinic.mint({ sub: 'dr-lee', role: 'staff' }), { resume: [{ thread: 'ana', seq: 0 }] });
        clients.push(later);
        expect(later.frames.filter(isMessage)).toEqual([]);
        expect(await readdir(dir)).toEqual([]);
      });
    });
  });
});
