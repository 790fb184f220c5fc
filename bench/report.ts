// Turns what a run recorded into figures, and figures into the side-by-side table.
import type { RunRecord } from './load.js';
import type { ServerStats } from './server-control.js';

export type Target = 'bare' | 'hub' | 'relay' | 'hub-pg' | 'hubs-2-redis';

export const TARGET_LABELS: Record<Target, string> = {
  bare: 'bare ws relay',
  hub: 'hub, SQLite',
  relay: 'hub, relay mode',
  'hub-pg': 'hub, PostgreSQL',
  'hubs-2-redis': '2 hubs, PostgreSQL + Redis',
};

/** Targets whose hubs keep their data in PostgreSQL (a fresh schema per run). */
export const POSTGRES_TARGETS: ReadonlySet<Target> = new Set(['hub-pg', 'hubs-2-redis']);

/** Besides "÷ bare": the one-hub run a multi-hub target is compared with (what the extra hubs cost). */
const BASELINES: Partial<Record<Target, Target>> = { 'hubs-2-redis': 'hub-pg' };

export interface RunResult {
  target: Target;
  rate: number;
  /** Messages due in the measured window. */
  measured: number;
  sentPerSec: number;
  deliveredPerSec: number;
  /** Latency from each message's scheduled send time to its arrival at the provider (includes any sender lag). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Latency from the send time carried in the message (what a closed-loop client would report). */
  wireP50Ms: number;
  wireP99Ms: number;
  senderLagP99Ms: number;
  lost: number;
  duplicates: number;
  misrouted: number;
  unsendable: number;
  acked?: number;
  /** Acknowledged (stored) but not delivered to the provider within the grace period. */
  ackedNotDelivered?: number;
  ackP50Ms?: number;
  ackP99Ms?: number;
  errors: Record<string, number>;
  retried: number;
  closes: Record<string, number>;
  /** False when the server's own figures (event loop, transactions) did not cover the window (they are NaN then). */
  serverStats: boolean;
  /** All server processes of the target together (both hubs of a 2-hub target). */
  serverCpuPct: number;
  /** Per server process, in start order (one entry for one server). */
  serverCpuPcts: number[];
  /** The worst of the server processes. */
  serverLoopP99Ms: number;
  serverLoopMaxMs: number;
  /** All server processes together. */
  serverRssMb: number;
  /** The PostgreSQL backends serving the hubs' connections, when the target uses PostgreSQL. */
  databaseCpuPct?: number;
  /** The bench's own redis-server, when the target uses Redis. */
  redisCpuPct?: number;
  messagesPerTransaction?: number;
  generatorCpuPct: number;
  generatorLoopP99Ms: number;
  /** CPU used by everything else on the machine during the window, % of one core: the run's noise floor. */
  otherCpuPct: number;
}

/** What the bench learnt about the server processes during the window. */
export interface ServerWindow {
  /** Each server process's CPU, % of one core, from /proc (NaN where there is none). */
  cpuPcts: number[];
  /** PostgreSQL backends and the bench's redis-server, % of one core, where the target has them. */
  databaseCpuPct?: number;
  redisCpuPct?: number;
  /** Every process on the machine, % of one core, from /proc. */
  machinePct: number;
  /** Each server's own answers at the window's start and end; undefined when it did not answer in time. */
  before: Array<ServerStats | undefined>;
  after: Array<ServerStats | undefined>;
}

/**
 * The servers' own figures count only if every one answered close enough to the window's edges
 * to cover most of it: a saturated hub reads its control pipe late, or not at all.
 */
export function summarise(target: Target, run: RunRecord, window: ServerWindow): RunResult {
  const spans = window.before.map((before, i) => {
    const after = window.after[i];
    return before && after && after.wallMs - before.wallMs >= 0.5 * run.spec.durationMs ? { before, after } : undefined;
  });
  const covered = spans.length > 0 && spans.every((span) => span !== undefined) ? (spans as Array<{ before: ServerStats; after: ServerStats }>) : undefined;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const serverCpuPct = sum(window.cpuPcts);
  const seconds = run.spec.durationMs / 1000;
  const inWindow = (t: number) => t >= run.windowStart && t < run.windowEnd;
  let sentInWindow = 0;
  let deliveredInWindow = 0;
  let ackedInWindow = 0;
  for (let k = 0; k < run.total; k++) {
    if (inWindow(run.sentAt[k])) sentInWindow++;
    if (inWindow(run.receivedAt[k])) deliveredInWindow++;
    if (inWindow(run.ackedAt[k])) ackedInWindow++;
  }
  const latency: number[] = [];
  const wire: number[] = [];
  const lag: number[] = [];
  const ack: number[] = [];
  let lost = 0;
  let acked = 0;
  let ackedNotDelivered = 0;
  for (let k = run.warmupCount; k < run.total; k++) {
    const sent = run.sentAt[k];
    if (Number.isNaN(sent)) continue;
    lag.push(sent - run.scheduledAt(k));
    if (Number.isNaN(run.receivedAt[k])) lost++;
    else {
      latency.push(run.receivedAt[k] - run.scheduledAt(k));
      wire.push(run.wireMs[k]);
    }
    if (!Number.isNaN(run.ackedAt[k])) {
      acked++;
      ack.push(run.ackedAt[k] - sent);
      if (Number.isNaN(run.receivedAt[k])) ackedNotDelivered++;
    }
  }
  const transactions = covered ? sum(covered.map(({ before, after }) => (after.counters.transactions ?? 0) - (before.counters.transactions ?? 0))) : 0;
  const rss = window.after.map((stats) => stats?.rssMb ?? Number.NaN);
  const generatorCpuPct = (100 * run.generator.cpuMs) / run.generator.wallMs;
  return {
    target,
    rate: run.spec.rate,
    measured: run.total - run.warmupCount,
    sentPerSec: sentInWindow / seconds,
    deliveredPerSec: deliveredInWindow / seconds,
    p50Ms: percentile(latency, 50),
    p99Ms: percentile(latency, 99),
    maxMs: percentile(latency, 100),
    wireP50Ms: percentile(wire, 50),
    wireP99Ms: percentile(wire, 99),
    senderLagP99Ms: percentile(lag, 99),
    lost,
    duplicates: run.duplicates,
    misrouted: run.misrouted,
    unsendable: run.unsendable,
    ...(run.spec.acks && { acked, ackedNotDelivered, ackP50Ms: percentile(ack, 50), ackP99Ms: percentile(ack, 99) }),
    errors: run.errors,
    retried: run.retried,
    closes: run.closes,
    serverStats: covered !== undefined,
    serverCpuPct,
    serverCpuPcts: window.cpuPcts,
    serverLoopP99Ms: covered ? Math.max(...covered.map(({ after }) => after.loopDelayP99Ms)) : Number.NaN,
    serverLoopMaxMs: covered ? Math.max(...covered.map(({ after }) => after.loopDelayMaxMs)) : Number.NaN,
    serverRssMb: sum(rss),
    ...(window.databaseCpuPct !== undefined && { databaseCpuPct: window.databaseCpuPct }),
    ...(window.redisCpuPct !== undefined && { redisCpuPct: window.redisCpuPct }),
    ...(target !== 'bare' && transactions > 0 && { messagesPerTransaction: ackedInWindow / transactions }),
    generatorCpuPct,
    otherCpuPct: Math.max(0, window.machinePct - serverCpuPct - (window.databaseCpuPct ?? 0) - (window.redisCpuPct ?? 0) - generatorCpuPct),
    generatorLoopP99Ms: run.generator.loopDelayP99Ms,
  };
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Other processes' CPU (% of a core) above which a run is flagged as disturbed. */
const NOISY_PCT = 15;

/** A table row; `applies` leaves it out of a table where no target has the figure. */
type Row = [label: string, value: (r: RunResult) => string, ratio?: (r: RunResult) => number, applies?: (r: RunResult) => boolean];

const ROWS: Row[] = [
  ['sent, msg/s', (r) => int(r.sentPerSec)],
  ['delivered, msg/s', (r) => int(r.deliveredPerSec), (r) => r.deliveredPerSec],
  ['latency p50, ms', (r) => ms(r.p50Ms), (r) => r.p50Ms],
  ['latency p99, ms', (r) => ms(r.p99Ms), (r) => r.p99Ms],
  ['latency max, ms', (r) => ms(r.maxMs)],
  ['lost (not delivered in grace)', (r) => `${int(r.lost)} of ${int(r.measured)}`],
  ['acked', (r) => (r.acked === undefined ? '—' : int(r.acked))],
  ['ack p50 / p99, ms', (r) => (r.ackP50Ms === undefined ? '—' : `${ms(r.ackP50Ms)} / ${ms(r.ackP99Ms!)}`)],
  ['messages per transaction', (r) => (r.messagesPerTransaction === undefined ? '—' : r.messagesPerTransaction.toFixed(1))],
  ['server CPU, % of a core', (r) => (r.serverCpuPcts.length > 1 ? `${int(r.serverCpuPct)} (${r.serverCpuPcts.map(int).join(' + ')})` : int(r.serverCpuPct))],
  ['PostgreSQL backends\' CPU, % of a core', (r) => (r.databaseCpuPct === undefined ? '—' : int(r.databaseCpuPct)), undefined, (r) => r.databaseCpuPct !== undefined],
  ['Redis CPU, % of a core', (r) => (r.redisCpuPct === undefined ? '—' : int(r.redisCpuPct)), undefined, (r) => r.redisCpuPct !== undefined],
  ['server event-loop delay p99, ms', (r) => ms(r.serverLoopP99Ms)],
  ['generator CPU, % of a core', (r) => int(r.generatorCpuPct)],
  ['sender lag p99, ms', (r) => ms(r.senderLagP99Ms)],
  ['other processes\' CPU, % of a core', (r) => int(r.otherCpuPct)],
];

/**
 * One markdown table per offered rate: targets side by side, then each hub ÷ the bare relay,
 * then each multi-hub target ÷ its one-hub baseline (what the extra hub costs).
 */
export function formatTables(results: RunResult[], targets: Target[]): string {
  const rates = [...new Set(results.map((r) => r.rate))];
  const ratioColumns: Array<[Target, Target]> = [
    ...(targets.includes('bare') ? targets.filter((t) => t !== 'bare').map((t): [Target, Target] => [t, 'bare']) : []),
    ...targets.flatMap((t): Array<[Target, Target]> => {
      const baseline = BASELINES[t];
      return baseline && targets.includes(baseline) ? [[t, baseline]] : [];
    }),
  ];
  const short = (t: Target) => (t === 'bare' ? 'bare' : TARGET_LABELS[t]);
  const out: string[] = [];
  for (const rate of rates) {
    const atRate = results.filter((r) => r.rate === rate);
    const byTarget = new Map(atRate.map((r) => [r.target, r]));
    const header = [`offered ${int(rate)} msg/s`, ...targets.map((t) => TARGET_LABELS[t]), ...ratioColumns.map(([t, base]) => `${TARGET_LABELS[t]} ÷ ${short(base)}`)];
    const lines = [header, header.map(() => '---')];
    for (const [label, value, ratio, applies] of ROWS) {
      if (applies && !atRate.some(applies)) continue;
      const cells = targets.map((t) => {
        const r = byTarget.get(t);
        return r ? value(r) : 'n/a';
      });
      const ratios = ratioColumns.map(([t, base]) => {
        const r = byTarget.get(t);
        const b = byTarget.get(base);
        if (!ratio || !r || !b) return '';
        const quotient = ratio(r) / ratio(b);
        return Number.isFinite(quotient) ? `${quotient.toFixed(2)}×` : 'n/a';
      });
      lines.push([label, ...cells, ...ratios]);
    }
    out.push(lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  }
  return out.join('\n\n');
}

/** One line per run with what the table leaves out: errors, closes, duplicates. */
export function formatNotes(results: RunResult[]): string {
  return results
    .map((r) => {
      const extra = [
        `wire p50/p99 ${ms(r.wireP50Ms)}/${ms(r.wireP99Ms)} ms`,
        `server loop max ${ms(r.serverLoopMaxMs)} ms`,
        `server rss ${int(r.serverRssMb)} MB${r.serverCpuPcts.length > 1 ? ` (all ${r.serverCpuPcts.length} processes)` : ''}`,
        `generator loop p99 ${ms(r.generatorLoopP99Ms)} ms`,
        ...(r.ackedNotDelivered === undefined ? [] : [`acked but not delivered ${r.ackedNotDelivered}`]),
        `duplicates ${r.duplicates}`,
        `misrouted ${r.misrouted}`,
        `unsendable ${r.unsendable}`,
        `errors ${JSON.stringify(r.errors)}`,
        `re-sent after a refusal ${r.retried}`,
        `unexpected closes ${JSON.stringify(r.closes)}`,
        ...(r.otherCpuPct > NOISY_PCT ? [`NOISY: other processes used ${int(r.otherCpuPct)}% of a core during the window; do not trust this run`] : []),
        ...(r.serverStats ? [] : ['event-loop and transaction figures n/a: the server read its control pipe too late to cover the window (event loop saturated)']),
      ];
      return `- ${TARGET_LABELS[r.target]} @ ${int(r.rate)} msg/s: ${extra.join('; ')}`;
    })
    .join('\n');
}

function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

function ms(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US');
}
