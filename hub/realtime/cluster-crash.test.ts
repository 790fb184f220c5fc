// Three hub processes on one PostgreSQL schema and one Redis; one is killed with SIGKILL in
// the middle of a burst both ways between 100 patients and a few providers spread over the
// three. Its clients reconnect to another hub and resume as the widget does (every message not
// yet acknowledged sent again under the same id, history from the highest seq seen). Then:
// no acknowledged message lost, none stored or received twice, none received out of order,
// every client has every message of its threads, and the providers' queues show exactly the
// patients who are connected: the killed hub's patients present again, and no ghost.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingFrame, Role } from '../../protocol/index.js';
import type { HubDatabase } from '../db/database.js';
import { createTestContext } from '../testing/context.js';
import { testDatabases } from '../testing/databases.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { TestClient } from '../testing/ws-client.js';

type MessageFrame = Extract<OutgoingFrame, { type: 'message' }>;

const HUBS = 3;
const PATIENTS = 100;
const PROVIDERS = 6;
/** Patients of the killed hub who do not come back: the queues must stop showing them. */
const STAY_AWAY = 3;
const PATIENT_EVERY_MS = 400;
const PROVIDER_EVERY_MS = 100;
/** The hub is killed once this many messages are acknowledged (however fast this machine is); the burst goes on for a while after. */
const KILL_AFTER_ACKS = 400;
const BURST_AFTER_KILL_MS = 2500;
const KILLED = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RETRYABLE = new Set(['overloaded', 'rate-limited', 'internal']);

/** A free TCP port on 127.0.0.1 (for our own Redis). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a process and resolves once a line of its stdout matches; its output is read to the
 * end (a pipe nobody reads would block it), and what it prints later goes to `echo`.
 */
function startProcess(command: string, args: string[], ready: (line: string) => boolean, echo?: (line: string) => void): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let started = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (started) echo?.(line);
      else if (ready(line)) {
        started = true;
        resolve({ child, line });
      }
    });
    child.once('exit', () => {
      if (!started) reject(new Error(`${command} exited before it was ready`));
    });
  });
}

/**
 * A client that behaves like the widget's hub transport and outbox: it remembers the highest
 * seq it received per thread and resumes from there, keeps every message until it is acked
 * and sends those again (same id) after a reconnect or a refusal for now. It records what it
 * received, for the checks.
 */
class ResumingClient {
  /** thread/id → how many times it arrived as a message frame. */
  readonly received = new Map<string, number>();
  readonly seen = new Map<string, number>();
  readonly pending = new Map<string, MessageFrame>();
  /** thread/id → seq, from acks; a second ack with another seq would be a second copy. */
  readonly acked = new Map<string, number>();
  orderViolations = 0;
  ackMismatches = 0;
  /** Providers: the patients the queue shows present now. */
  readonly present = new Set<string>();
  reconnects = 0;
  /** Refusals by code, to explain a failure. */
  readonly refusals = new Map<string, number>();
  private socket?: TestClient;
  private cursor = 0;
  private resendTimer?: ReturnType<typeof setTimeout>;
  private stopped = false;

  constructor(
    readonly id: string,
    readonly role: Role,
    private readonly token: string,
    private readonly hubs: readonly ClusterHub[],
    public hub: number,
  ) {}

  async connect(): Promise<void> {
    for (;;) {
      const target = this.hubs[this.hub]!;
      try {
        const socket = await TestClient.connect(target.wsUrl, this.token, { resume: [...this.seen].map(([thread, seq]) => ({ thread, seq })) });
        if (socket.closeCode !== undefined) throw new Error('closed while connecting');
        this.attach(socket);
        return;
      } catch {
        // That hub is gone too (or refused for now): try the next, as a load balancer would.
        this.hub = this.nextHub();
        await sleep(100);
      }
    }
  }

  send(frame: MessageFrame): void {
    this.pending.set(frame.id, frame);
    if (this.socket?.closeCode === undefined) this.socket?.send(frame);
  }

  describe(): string {
    return `${this.id} on hub${this.hub} (${this.connected ? 'connected' : 'disconnected'}, ${this.reconnects} reconnects): ${this.pending.size} unacked, refusals ${JSON.stringify(Object.fromEntries(this.refusals))}`;
  }

  get connected(): boolean {
    return this.socket !== undefined && this.socket.closeCode === undefined;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.resendTimer);
    this.socket?.close();
  }

  private attach(socket: TestClient): void {
    this.socket = socket;
    this.cursor = 0;
    this.present.clear();
    socket.ws.on('message', () => this.take(socket));
    this.take(socket);
    if (this.role === 'provider') socket.send({ type: 'presence', from: { id: this.id, name: this.id, role: 'provider' }, state: 'joined' });
    for (const frame of this.pending.values()) socket.send(frame);
    void socket.closed().then(() => this.lost(socket));
  }

  private async lost(socket: TestClient): Promise<void> {
    if (this.stopped || this.socket !== socket) return;
    this.reconnects++;
    this.hub = this.nextHub();
    // Jitter, as the transport's backoff has: a dead hub's clients do not all arrive at once.
    await sleep(Math.random() * 300);
    if (!this.stopped) await this.connect();
  }

  private nextHub(): number {
    for (let k = 1; k <= this.hubs.length; k++) {
      const candidate = (this.hub + k) % this.hubs.length;
      if (this.hubs[candidate]!.alive) return candidate;
    }
    return this.hub;
  }

  private take(socket: TestClient): void {
    if (this.socket !== socket) return;
    for (; this.cursor < socket.frames.length; this.cursor++) {
      const frame = socket.frames[this.cursor]!;
      if (frame.type === 'message' && frame.seq !== undefined) {
        const key = `${frame.thread}/${frame.id}`;
        const times = (this.received.get(key) ?? 0) + 1;
        this.received.set(key, times);
        if (times === 1 && frame.seq <= (this.seen.get(frame.thread) ?? 0)) this.orderViolations++;
        this.seen.set(frame.thread, Math.max(this.seen.get(frame.thread) ?? 0, frame.seq));
      } else if (frame.type === 'ack') {
        const key = `${frame.thread}/${frame.id}`;
        const before = this.acked.get(key);
        if (before !== undefined && before !== frame.seq) this.ackMismatches++;
        this.acked.set(key, frame.seq);
        this.pending.delete(frame.id);
      } else if (frame.type === 'error') {
        this.refusals.set(frame.code, (this.refusals.get(frame.code) ?? 0) + 1);
        if (!frame.ref || !RETRYABLE.has(frame.code)) continue;
        // The outbox sends what is still unacked again after a short backoff, in the order written.
        this.resendTimer ??= setTimeout(() => {
          this.resendTimer = undefined;
          if (this.socket === socket && socket.closeCode === undefined) for (const f of this.pending.values()) socket.send(f);
        }, 200);
      } else if (frame.type === 'presence' && frame.from.role === 'patient') {
        if (frame.state === 'left') this.present.delete(frame.from.id);
        else this.present.add(frame.from.id);
      }
    }
  }
}

interface ClusterHub {
  child: ChildProcess;
  wsUrl: string;
  alive: boolean;
}

const databases = testDatabases('postgres');

describe('on postgres: three hubs, one killed with SIGKILL mid-burst', () => {
  let dir: string;
  let database: string;
  let db: HubDatabase;
  let clinic: TestOrg;
  let redis: ChildProcess | undefined;
  let redisUrl: string;
  const hubs: ClusterHub[] = [];
  const clients: ResumingClient[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clinic-chat-cluster-'));
    database = await databases.fresh();
    const ctx = await createTestContext({ database });
    db = ctx.db;
    clinic = await createTestOrg(ctx);
    // A Redis of our own, so no other run's hubs share its channels and presence.
    const port = await freePort();
    redis = (await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], (l) => l.includes('Ready to accept connections'))).child;
    redisUrl = `redis://127.0.0.1:${port}`;
    hubs.push(
      ...(await Promise.all(
        Array.from({ length: HUBS }, async (_, i) => {
          const { child, line } = await startProcess(
            process.execPath,
            ['--import', 'tsx', 'hub/bin.ts', '--port', '0', '--data-dir', join(dir, `hub${i}`), '--database', database, '--redis', redisUrl, '--log-level', 'error'],
            (l) => l.includes('"event":"listening"'),
            (l) => process.stderr.write(`hub${i}: ${l}\n`),
          );
          return { child, wsUrl: (JSON.parse(line) as { wsUrl: string }).wsUrl, alive: true };
        }),
      )),
    );
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.stop();
    for (const hub of hubs) hub.child.kill('SIGKILL');
    redis?.kill('SIGKILL');
    await db?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('loses no acked message, stores and delivers each once and in order, and shows presence right after the clients resume elsewhere', async () => {
    // Arrange: patients and providers spread over the three hubs.
    const patientIds = Array.from({ length: PATIENTS }, (_, i) => `p${i}`);
    const providerIds = Array.from({ length: PROVIDERS }, (_, i) => `dr${i}`);
    const patients = await Promise.all(
      patientIds.map(async (id, i) => new ResumingClient(id, 'patient', await clinic.mint({ sub: id, name: id }, { expiresIn: 3000 }), hubs, i % HUBS)),
    );
    const providers = await Promise.all(
      providerIds.map(async (id, i) => new ResumingClient(id, 'provider', await clinic.mint({ sub: id, name: id, role: 'staff' }, { expiresIn: 3000 }), hubs, i % HUBS)),
    );
    clients.push(...patients, ...providers);
    for (const batch of [providers, patients]) await Promise.all(batch.map((c) => c.connect()));
    const stayAway = new Set(patients.filter((p) => p.hub === KILLED).slice(0, STAY_AWAY));

    // Act: a burst both ways; the first hub is killed in the middle of it.
    let counter = 0;
    const write = (client: ResumingClient, thread: string) =>
      client.send({
        type: 'message',
        id: `${client.id}-${++counter}`,
        thread,
        from: { id: client.id, name: client.id, role: client.role },
        text: `burst ${counter}`,
        at: Date.now(),
        clock: counter,
      });
    let writing = true;
    const writers = [
      ...patients.map(async (p) => {
        await sleep(Math.random() * PATIENT_EVERY_MS);
        while (writing) {
          if (!stayAway.has(p) || p.connected) write(p, p.id);
          await sleep(PATIENT_EVERY_MS);
        }
      }),
      ...providers.map(async (dr) => {
        while (writing) {
          write(dr, patientIds[Math.floor(Math.random() * PATIENTS)]!);
          await sleep(PROVIDER_EVERY_MS);
        }
      }),
    ];
    const ackedSoFar = () => clients.reduce((n, c) => n + c.acked.size, 0);
    for (let deadline = Date.now() + 30_000; ackedSoFar() < KILL_AFTER_ACKS && Date.now() < deadline; ) await sleep(20);
    const ackedBeforeKill = ackedSoFar();
    hubs[KILLED]!.alive = false;
    hubs[KILLED]!.child.kill('SIGKILL');
    // The patients who stay away are gone with it: they neither reconnect nor write again.
    for (const p of stayAway) p.stop();
    await sleep(BURST_AFTER_KILL_MS);
    writing = false;
    await Promise.all(writers);

    // Every message still unacked is resent until it is acked.
    const active = clients.filter((c) => !stayAway.has(c));
    for (let deadline = Date.now() + 60_000; active.some((c) => c.pending.size) && Date.now() < deadline; ) await sleep(100);
    expect(active.filter((c) => c.pending.size).map((c) => c.describe())).toEqual([]);

    // What PostgreSQL holds, per thread.
    const rows = await db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .innerJoin('patients', 'patients.id', 'conversations.patient_id')
      .select(['patients.external_id as thread', 'messages.client_id', 'messages.seq'])
      .execute();
    const storedSeq = new Map<string, number>();
    let storedTwice = 0;
    for (const r of rows) {
      const key = `${r.thread}/${r.client_id}`;
      if (storedSeq.has(key)) storedTwice++;
      storedSeq.set(key, Number(r.seq));
    }
    const byThread = new Map<string, string[]>();
    for (const key of storedSeq.keys()) {
      const thread = key.slice(0, key.indexOf('/'));
      byThread.set(thread, [...(byThread.get(thread) ?? []), key]);
    }
    const acked = clients.flatMap((c) => [...c.acked]);
    const lost = acked.filter(([key]) => !storedSeq.has(key));
    const wrongSeq = acked.filter(([key, seq]) => storedSeq.has(key) && storedSeq.get(key) !== seq);

    // Every connected client ends up with every message of its threads (a provider: of every thread), each once.
    const missing = (c: ResumingClient) => {
      const threads = c.role === 'patient' ? [c.id] : [...byThread.keys()];
      return threads.flatMap((t) => byThread.get(t) ?? []).filter((key) => !c.received.has(key) && !c.acked.has(key)).length;
    };
    for (let deadline = Date.now() + 15_000; active.some((c) => missing(c)) && Date.now() < deadline; ) await sleep(100);

    // Presence: every patient still connected (the killed hub's among them, now elsewhere) is shown, and no one else.
    const expected = new Set(patients.filter((p) => !stayAway.has(p)).map((p) => p.id));
    const presenceWrong = (dr: ResumingClient) => dr.present.size !== expected.size || [...expected].some((id) => !dr.present.has(id));
    for (let deadline = Date.now() + 15_000; providers.some(presenceWrong) && Date.now() < deadline; ) await sleep(100);

    const duplicatesReceived = active.reduce((n, c) => n + [...c.received.values()].reduce((m, times) => m + times - 1, 0), 0);
    const orderViolations = active.reduce((n, c) => n + c.orderViolations, 0);
    const missed = active.reduce((n, c) => n + missing(c), 0);
    const moved = clients.filter((c) => c.reconnects > 0).length;
    const ghosts = providers.reduce((n, dr) => n + [...dr.present].filter((id) => !expected.has(id)).length, 0);
    const absent = providers.reduce((n, dr) => n + [...expected].filter((id) => !dr.present.has(id)).length, 0);
    console.log(
      `three hubs, SIGKILL of one mid-burst: ${PATIENTS} patients + ${PROVIDERS} providers, ${moved} moved to another hub; ` +
        `${acked.length} messages acked (${ackedBeforeKill} before the kill), ${storedSeq.size} stored; lost ${lost.length}, duplicated ${storedTwice} stored / ${duplicatesReceived} received, ` +
        `order violations ${orderViolations}, deliveries missing ${missed}; presence: ${absent} absent, ${ghosts} ghosts`,
    );

    expect(moved).toBeGreaterThanOrEqual(PATIENTS / HUBS - STAY_AWAY);
    expect(ackedBeforeKill).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acked.length).toBeGreaterThan(ackedBeforeKill);
    expect(lost).toEqual([]);
    expect(wrongSeq).toEqual([]);
    expect(storedTwice).toBe(0);
    expect(clients.reduce((n, c) => n + c.ackMismatches, 0)).toBe(0);
    expect(duplicatesReceived).toBe(0);
    expect(orderViolations).toBe(0);
    expect(missed).toBe(0);
    for (const dr of providers) expect([...dr.present].sort()).toEqual([...expected].sort());
  }, 120_000);
});
