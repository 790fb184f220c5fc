// The load generator: 2×N WebSocket clients in patient/provider pairs, and an open-loop
// sender. Patients send on a fixed schedule (message k is due at t0 + k/rate, whatever
// happened to the ones before), so an overloaded server shows up as latency and loss, not as
// a politely reduced load. Each message carries its send time in its text and its schedule
// index in its id; providers note when it arrives.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LOOP_RESOLUTION_MS, excessDelay } from './server-control.js';
import { WebSocket } from './ws.js';

/** Where clients connect. On the hub, patients and providers may be on different hubs (one org, two hubs, Redis between). */
export type Endpoint =
  | { kind: 'bare'; url: string }
  | { kind: 'hub'; patientUrl: string; providerUrl: string; tokens: ReadonlyArray<readonly [string, string]> };

export interface Pair {
  index: number;
  /** The patient's id: the thread their messages go to. */
  thread: string;
  patient: WebSocket;
  provider: WebSocket;
}

export interface LoadSpec {
  /** Unique per run: prefixes message ids, so a late frame from an earlier run is never counted. */
  runId: string;
  /** Messages per second, over all patients. */
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** After the last scheduled send, how long undelivered messages may still arrive before they count as lost. */
  graceMs: number;
  textChars: number;
  /** Whether the server acks (the hub does; the bare relay does not). */
  acks: boolean;
}

/** What one run recorded; times are performance.now() in this process, NaN where nothing happened. */
export interface RunRecord {
  spec: LoadSpec;
  t0: number;
  windowStart: number;
  windowEnd: number;
  total: number;
  warmupCount: number;
  scheduledAt: (k: number) => number;
  sentAt: Float64Array;
  receivedAt: Float64Array;
  /** Receive time minus the send time carried in the message's text. */
  wireMs: Float64Array;
  ackedAt: Float64Array;
  received: number;
  acked: number;
  duplicates: number;
  misrouted: number;
  unsendable: number;
  errors: Record<string, number>;
  /** Messages sent again after a transient refusal (`overloaded`, `rate-limited`). */
  retried: number;
  /** Sockets the server closed during the run, by role and close code. */
  closes: Record<string, number>;
  generator: { cpuMs: number; wallMs: number; loopDelayP99Ms: number; loopDelayMaxMs: number };
}

interface Hooks {
  /** Called when the measured window opens and closes (for server-side figures). */
  windowStart(): void;
  windowEnd(): void;
}

interface Frame {
  type?: unknown;
  id?: unknown;
  text?: unknown;
  code?: unknown;
  ref?: unknown;
}

const SEND_TICK_MS = 1;
const DRAIN_POLL_MS = 20;

/** Pause before a turned-away message is sent again (the widget starts at 2 s; the bench is impatient). */
const RETRY_AFTER_MS = 250;

export class Fleet {
  private run?: RunRecord;
  private closing = false;
  private closes: Record<string, number> = {};

  private constructor(readonly pairs: Pair[]) {}

  /** Opens every pair (provider first, so it is there when its patient arrives), `concurrency` pairs at a time. */
  static async connect(endpoint: Endpoint, count: number, concurrency: number, timeoutMs: number): Promise<Fleet> {
    const pairs: Pair[] = new Array(count);
    const opened: WebSocket[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const provider = await openSocket(endpoint, index, 'provider', timeoutMs, opened);
        const patient = await openSocket(endpoint, index, 'patient', timeoutMs, opened);
        pairs[index] = { index, thread: `p${index}`, patient, provider };
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    } catch (error) {
      for (const ws of opened) ws.terminate();
      throw error;
    }
    const fleet = new Fleet(pairs);
    for (const pair of pairs) {
      pair.provider.on('message', (data) => fleet.onProviderFrame(pair, data as Buffer));
      pair.patient.on('message', (data) => fleet.onPatientFrame(data as Buffer));
      for (const [role, ws] of [['provider', pair.provider], ['patient', pair.patient]] as const) {
        ws.on('close', (code) => {
          const key = `${role} ${code}`;
          if (!fleet.closing) fleet.closes[key] = (fleet.closes[key] ?? 0) + 1;
        });
      }
    }
    return fleet;
  }

  /** Runs one offered load and records every message's fate. Bounded: warm-up + duration + grace (+ one send tick). */
  async measure(spec: LoadSpec, hooks: Hooks): Promise<RunRecord> {
    const total = Math.round((spec.rate * (spec.warmupMs + spec.durationMs)) / 1000);
    const warmupCount = Math.round((spec.rate * spec.warmupMs) / 1000);
    const t0 = performance.now() + 10;
    const interval = 1000 / spec.rate;
    const nan = () => new Float64Array(total).fill(Number.NaN);
    const run: RunRecord = {
      spec,
      t0,
      windowStart: t0 + spec.warmupMs,
      windowEnd: t0 + spec.warmupMs + spec.durationMs,
      total,
      warmupCount,
      scheduledAt: (k) => t0 + k * interval,
      sentAt: nan(),
      receivedAt: nan(),
      wireMs: nan(),
      ackedAt: nan(),
      received: 0,
      acked: 0,
      duplicates: 0,
      misrouted: 0,
      unsendable: 0,
      errors: {},
      retried: 0,
      closes: {},
      generator: { cpuMs: 0, wallMs: 0, loopDelayP99Ms: 0, loopDelayMaxMs: 0 },
    };
    this.closes = run.closes;
    this.run = run;

    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    let cpuAtStart = process.cpuUsage();
    let wallAtStart = performance.now();
    const windowTimers = [
      setTimeout(() => {
        cpuAtStart = process.cpuUsage();
        wallAtStart = performance.now();
        loop.enable();
        hooks.windowStart();
      }, run.windowStart - performance.now()),
      setTimeout(() => {
        const cpu = process.cpuUsage(cpuAtStart);
        loop.disable();
        run.generator = {
          cpuMs: (cpu.user + cpu.system) / 1000,
          wallMs: performance.now() - wallAtStart,
          loopDelayP99Ms: excessDelay(loop.percentile(99)),
          loopDelayMaxMs: excessDelay(loop.max),
        };
        hooks.windowEnd();
      }, run.windowEnd - performance.now()),
    ];

    const pad = 'x'.repeat(Math.max(1, spec.textChars - 'sent=000000.000 '.length));
    const n = this.pairs.length;
    let next = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
        for (; next < due; next++) {
          const pair = this.pairs[next % n];
          if (pair.patient.readyState !== pair.patient.OPEN) {
            run.unsendable++;
            continue;
          }
          const sent = performance.now();
          run.sentAt[next] = sent;
          this.sendMessage(pair, spec, next, sent, pad);
        }
        if (next < total) setTimeout(tick, SEND_TICK_MS);
        else resolve();
      };
      setTimeout(tick, Math.max(0, t0 - performance.now()));
    });

    const expected = total - run.unsendable;
    const drainUntil = Math.max(performance.now(), run.windowEnd) + spec.graceMs;
    while (performance.now() < drainUntil && (run.received < expected || (spec.acks && run.acked < expected))) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    // With everything delivered and no grace, the drain can end before the window-end timer: wait for it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, run.windowEnd - performance.now()) + 1));
    for (const timer of windowTimers) clearTimeout(timer);
    this.run = undefined;
    return run;
  }

  /** Drops every socket (a hub keeps nothing open on our behalf after this). */
  close(): void {
    this.closing = true;
    for (const pair of this.pairs) {
      pair.patient.terminate();
      pair.provider.terminate();
    }
  }

  private onProviderFrame(pair: Pair, data: Buffer): void {
    const now = performance.now();
    const run = this.run;
    if (!run) return;
    const frame = parse(data);
    if (frame?.type !== 'message' || typeof frame.id !== 'string') return;
    const k = indexOf(run, frame.id);
    if (k === undefined) return;
    if (k % this.pairs.length !== pair.index) run.misrouted++;
    if (!Number.isNaN(run.receivedAt[k])) {
      run.duplicates++;
      return;
    }
    run.receivedAt[k] = now;
    run.received++;
    const stamp = typeof frame.text === 'string' ? /^sent=([\d.]+) /.exec(frame.text)?.[1] : undefined;
    if (stamp !== undefined) run.wireMs[k] = now - Number(stamp);
  }

  private sendMessage(pair: Pair, spec: LoadSpec, k: number, sent: number, pad: string): void {
    pair.patient.send(
      `{"v":1,"type":"message","id":"${spec.runId}-${k}","thread":"${pair.thread}","from":{"id":"${pair.thread}","name":"x","role":"patient"},` +
        `"text":"sent=${sent.toFixed(3)} ${pad}","at":${Date.now()},"clock":1}`,
    );
  }

  private onPatientFrame(data: Buffer): void {
    const now = performance.now();
    const run = this.run;
    if (!run) return;
    const frame = parse(data);
    if (frame?.type === 'ack' && typeof frame.id === 'string') {
      const k = indexOf(run, frame.id);
      if (k !== undefined && Number.isNaN(run.ackedAt[k])) {
        run.ackedAt[k] = now;
        run.acked++;
      }
    } else if (frame?.type === 'error') {
      const code = String(frame.code);
      run.errors[code] = (run.errors[code] ?? 0) + 1;
      // Like the widget's outbox: a message turned away for now (busy hub) is sent again after a pause.
      const k = typeof frame.ref === 'string' ? indexOf(run, frame.ref) : undefined;
      if (k !== undefined && (code === 'overloaded' || code === 'rate-limited')) {
        run.retried++;
        const pair = this.pairs[k % this.pairs.length];
        const pad = 'x'.repeat(Math.max(1, run.spec.textChars - 'sent=000000.000 '.length));
        setTimeout(() => {
          if (this.run === run && pair.patient.readyState === pair.patient.OPEN) this.sendMessage(pair, run.spec, k, run.sentAt[k], pad);
        }, RETRY_AFTER_MS);
      }
    }
  }
}

function parse(data: Buffer): Frame | undefined {
  try {
    return JSON.parse(data.toString()) as Frame;
  } catch {
    return undefined;
  }
}

function indexOf(run: RunRecord, id: string): number | undefined {
  const prefix = `${run.spec.runId}-`;
  if (!id.startsWith(prefix)) return undefined;
  const k = Number(id.slice(prefix.length));
  return Number.isInteger(k) && k >= 0 && k < run.total ? k : undefined;
}

/** Opens one client; on the hub it authenticates and resumes (the widget's handshake) before it counts as open. */
async function openSocket(endpoint: Endpoint, index: number, role: 'patient' | 'provider', timeoutMs: number, opened: WebSocket[]): Promise<WebSocket> {
  const url = endpoint.kind === 'bare' ? `${endpoint.url}?pair=${index}&role=${role}` : role === 'patient' ? endpoint.patientUrl : endpoint.providerUrl;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  opened.push(ws);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} ${index}: no connection within ${timeoutMs} ms`)), timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  if (endpoint.kind === 'hub') {
    const token = endpoint.tokens[index][role === 'patient' ? 0 : 1];
    ws.send(JSON.stringify({ v: 1, type: 'auth', token }));
    await frameOfType(ws, 'ready', timeoutMs);
    ws.send(JSON.stringify({ v: 1, type: 'resume', seen: [] }));
    await frameOfType(ws, 'synced', timeoutMs);
  }
  return ws;
}

function frameOfType(ws: WebSocket, type: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (data: Buffer) => {
      const frame = parse(data);
      if (frame?.type === type) done();
      else if (frame?.type === 'error') done(new Error(`hub refused the handshake: ${String(frame.code)}`));
    };
    const onClose = (code: number) => done(new Error(`socket closed (${code}) while waiting for ${type}`));
    const timer = setTimeout(() => done(new Error(`no ${type} frame within ${timeoutMs} ms`)), timeoutMs);
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}
