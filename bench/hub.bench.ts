// The hub benchmark: N patient/provider pairs of WebSocket clients on loopback, an open-loop
// sender at fixed offered loads, and the same load through a bare `ws` relay measured in the
// same run, so that the cost of the hub reads as a ratio. Each server runs in its own
// process, started fresh for every (server, load), on a fresh database (SQLite file or
// PostgreSQL schema) and, for two hubs, a fresh Redis, so that a backlog left by one run
// cannot slow the next. `npm run bench` (full) or `npm run bench -- --quick` (smoke); see
// docs/performance.md for what the figures mean.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { arch, availableParallelism, cpus, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { LevelWithSilent } from 'pino';
import type { HubServerConfig, HubServerHello } from './hub-server.js';
import { Fleet, type Endpoint } from './load.js';
import { BenchSchema, DEFAULT_POSTGRES_URL, describeServer, dropAll } from './postgres.js';
import { cpuBetween, machineBusyMs, processCpuMs, processesCpuMs } from './proc.js';
import { RedisProcess, redisVersion } from './redis.js';
import { POSTGRES_TARGETS, TARGET_LABELS, formatNotes, formatTables, percentile, summarise, type RunResult, type Target } from './report.js';
import { ServerProcess } from './servers.js';

interface Settings {
  rates: number[];
  warmupMs: number;
  durationMs: number;
  graceMs: number;
  pairs: number;
  targets: Target[];
  textChars: number;
  /** The PostgreSQL server the PostgreSQL targets make their schemas on. */
  postgresUrl: string;
  /** Offered loads when a PostgreSQL target runs and no --rates is given. */
  postgresRates: number[];
  /** The hubs' log level (silent unless asked, for diagnosis). */
  hubLog?: LevelWithSilent;
  /** Where servers write CPU profiles, if anywhere. */
  profileDir?: string;
}

const FULL: Settings = {
  rates: [2000, 10_000],
  warmupMs: 2000,
  durationMs: 10_000,
  graceMs: 5000,
  pairs: 500,
  targets: ['bare', 'hub', 'relay'],
  textChars: 100,
  postgresUrl: DEFAULT_POSTGRES_URL,
  // One hub on PostgreSQL saturates well below 10,000 msg/s on two cores (docs/performance.md):
  // a run there would only show loss, and wait out every grace period and stop timeout.
  postgresRates: [500, 2000],
};
/** `--database postgres`: the PostgreSQL targets beside SQLite one hub and the bare relay. */
const POSTGRES_RUN: Target[] = ['bare', 'hub', 'hub-pg', 'hubs-2-redis'];
const QUICK: Settings = { ...FULL, rates: [500, 2000], postgresRates: [500, 2000], warmupMs: 500, durationMs: 1000, graceMs: 2000, pairs: 50 };

const SERVER_START_TIMEOUT_MS = 60_000;
const CONNECT_CONCURRENCY = 50;
const CONNECT_TIMEOUT_MS = 15_000;
/** How long after a run a server may take to report its figures; a saturated hub may not read its stdin sooner. */
const STATS_WAIT_MS = 3000;
/** Per run, on top of warm-up, duration and grace: start-up (each hub's), connecting, stopping. */
const runOverheadBoundMs = (target: Target) => (hubsOf(target) + 1) * SERVER_START_TIMEOUT_MS + 20_000;
/** The most the bench waits, when it gives up or is stopped, to drop its PostgreSQL schemas. */
const CLEANUP_TIMEOUT_MS = 15_000;

function hubsOf(target: Target): number {
  return target === 'hubs-2-redis' ? 2 : 1;
}

const USAGE = `npm run bench -- [--quick] [--rates 2000,10000] [--duration 10] [--warmup 2] [--grace 5]
                    [--pairs 500] [--targets bare,hub,relay] [--database sqlite|postgres] [--postgres URL]
                    [--text 100] [--profile DIR] [--hub-log warn]
  --quick     smoke run: 50 pairs (100 clients), 500 and 2,000 msg/s, 1 s each
  --rates     offered loads, messages per second over all patients; default 2000,10000,
              or 500,2000 when hub-pg or hubs-2-redis runs (one hub on PostgreSQL saturates far below 10,000)
  --duration  measured seconds per load; --warmup seconds before it; --grace seconds to wait for stragglers
  --pairs     patient/provider pairs (2 clients each), one org per pair
  --targets   which servers, in this order (default bare,hub,relay):
                bare          the ws relay
                hub           one hub, persistent, SQLite file
                relay         one hub with ephemeral: true (in-memory SQLite)
                hub-pg        one hub, persistent, PostgreSQL (a fresh schema per run)
                hubs-2-redis  two hub processes on one fresh PostgreSQL schema and a redis-server of the
                              bench's own; patients on hub 1, providers on hub 2 (every message crosses Redis)
  --database  postgres: the targets bare,hub,hub-pg,hubs-2-redis (unless --targets names them);
              sqlite: the default targets
  --postgres  the PostgreSQL server for hub-pg and hubs-2-redis (default ${DEFAULT_POSTGRES_URL});
              each run makes a schema there and drops it afterwards
  --text      characters of message text
  --profile   a folder where each server process writes a V8 .cpuprofile when it stops
  --hub-log   the hubs' log level (default silent), to see why a hub refused or failed`;

const LOG_LEVELS: readonly string[] = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** A bad command line: printed as its message and the usage, without a stack. */
class UsageError extends Error {}

function settingsFrom(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      grace: { type: 'string' },
      pairs: { type: 'string' },
      targets: { type: 'string' },
      database: { type: 'string' },
      postgres: { type: 'string' },
      text: { type: 'string' },
      profile: { type: 'string' },
      'hub-log': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const base = values.quick ? QUICK : FULL;
  const number = (value: string | undefined, fallback: number, name: string, min: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  if (values.database !== undefined && values.database !== 'sqlite' && values.database !== 'postgres') throw new UsageError('--database must be sqlite or postgres');
  const targets = values.targets?.split(',').map((t) => t.trim()) ?? (values.database === 'postgres' ? POSTGRES_RUN : base.targets);
  for (const t of targets) if (!(t in TARGET_LABELS)) throw new UsageError(`unknown target ${t}`);
  const hubLog = values['hub-log'];
  if (hubLog !== undefined && !LOG_LEVELS.includes(hubLog)) throw new UsageError(`--hub-log must be one of ${LOG_LEVELS.join(', ')}`);
  const onPostgres = targets.some((t) => POSTGRES_TARGETS.has(t as Target));
  return {
    rates: values.rates?.split(',').map((r) => number(r, 0, 'rates', 1)) ?? (onPostgres ? base.postgresRates : base.rates),
    warmupMs: 1000 * number(values.warmup, base.warmupMs / 1000, 'warmup', 0),
    durationMs: 1000 * number(values.duration, base.durationMs / 1000, 'duration', 0.1),
    graceMs: 1000 * number(values.grace, base.graceMs / 1000, 'grace', 0),
    pairs: Math.round(number(values.pairs, base.pairs, 'pairs', 1)),
    targets: targets as Target[],
    textChars: Math.round(number(values.text, base.textChars, 'text', 1)),
    postgresUrl: values.postgres ?? base.postgresUrl,
    postgresRates: base.postgresRates,
    ...(hubLog !== undefined && { hubLog: hubLog as LevelWithSilent }),
    ...(values.profile !== undefined && { profileDir: resolve(values.profile) }),
  };
}

/** fdatasync of a 4 KiB append, the floor under every persistent commit on this disk. Bounded to 200 calls or 2 s. */
function probeFsync(dir: string): { p50: number; p99: number; count: number } {
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  const until = performance.now() + 2000;
  try {
    while (times.length < 200 && performance.now() < until) {
      writeSync(fd, block);
      const start = performance.now();
      fdatasyncSync(fd);
      times.push(performance.now() - start);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), count: times.length };
}

/** What one run measures: its server processes, and what serves them (PostgreSQL, Redis). */
interface Deployment {
  servers: ServerProcess[];
  endpoint: Endpoint;
  schema?: BenchSchema;
  redis?: RedisProcess;
}

/**
 * Starts `target` for one run. Two hubs start one after the other: the first migrates the
 * fresh schema and creates the orgs, the second joins it; each pair's patient is on hub 1 and
 * its provider on hub 2, so every message crosses Redis.
 */
async function deploy(target: Target, settings: Settings, dataDir: string): Promise<Deployment> {
  const start = { timeoutMs: SERVER_START_TIMEOUT_MS, ...(settings.profileDir !== undefined && { profileDir: settings.profileDir }) };
  if (target === 'bare') {
    const { server, hello } = await ServerProcess.start<{ wsUrl: string }>('bare relay', './bare-relay.ts', {}, start);
    const deployment: Deployment = { servers: [server], endpoint: { kind: 'bare', url: hello.wsUrl } };
    deployed.add(deployment);
    return deployment;
  }
  const deployment: Deployment = { servers: [], endpoint: { kind: 'bare', url: '' } };
  deployed.add(deployment);
  try {
    if (POSTGRES_TARGETS.has(target)) deployment.schema = await BenchSchema.create(settings.postgresUrl);
    if (target === 'hubs-2-redis') deployment.redis = await RedisProcess.start();
    const config: HubServerConfig = {
      dataDir,
      ephemeral: target === 'relay',
      pairs: settings.pairs,
      ...(settings.hubLog !== undefined && { logLevel: settings.hubLog }),
      ...(deployment.schema && { database: deployment.schema.url }),
      ...(deployment.redis && { redis: { url: deployment.redis.url, keyPrefix: `clinic-chat-bench-${deployment.schema?.name ?? 'run'}:` } }),
    };
    const hubs = hubsOf(target);
    const hellos: HubServerHello[] = [];
    for (let i = 0; i < hubs; i++) {
      const name = hubs > 1 ? `${TARGET_LABELS[target]} #${i + 1}` : TARGET_LABELS[target];
      const { server, hello } = await ServerProcess.start<HubServerHello>(name, './hub-server.ts', { ...config, pairs: i === 0 ? config.pairs : 0 }, start);
      deployment.servers.push(server);
      hellos.push(hello);
    }
    deployment.endpoint = { kind: 'hub', patientUrl: hellos[0].wsUrl, providerUrl: hellos[hubs - 1].wsUrl, tokens: hellos[0].tokens };
    return deployment;
  } catch (error) {
    await undeploy(deployment);
    throw error;
  }
}

/** Deployments not yet stopped: a bench that gives up or is stopped stops them before it drops their schemas. */
const deployed = new Set<Deployment>();

/** Stops the servers, then what they used; drops the schema. */
async function undeploy(deployment: Deployment): Promise<void> {
  deployed.delete(deployment);
  await Promise.all(deployment.servers.map((server) => server.stop()));
  await deployment.redis?.stop();
  await deployment.schema?.drop();
}

async function measureOne(target: Target, rate: number, settings: Settings, dataDir: string, runId: string): Promise<RunResult> {
  const deployment = await deploy(target, settings, dataDir);
  const { servers, endpoint, schema, redis } = deployment;
  let fleet: Fleet | undefined;
  try {
    const connectStart = performance.now();
    fleet = await Fleet.connect(endpoint, settings.pairs, CONNECT_CONCURRENCY, CONNECT_TIMEOUT_MS);
    progress(`  ${TARGET_LABELS[target]} @ ${rate} msg/s: ${settings.pairs * 2} clients connected in ${((performance.now() - connectStart) / 1000).toFixed(1)} s`);
    type Request = ReturnType<ServerProcess['requestStats']>;
    let before: Request[] = [];
    let after: Request[] = [];
    const sample = () => ({
      at: performance.now(),
      servers: servers.map((server) => processCpuMs(server.pid) ?? Number.NaN),
      redis: redis ? (processCpuMs(redis.pid) ?? Number.NaN) : undefined,
      machine: machineBusyMs() ?? Number.NaN,
    });
    // The backends are looked up at each edge of the window: the pool may open connections during it.
    const backends = () => (schema ? schema.backendPids().then(processesCpuMs, () => undefined) : Promise.resolve(undefined));
    let first = sample();
    let last = first;
    let backendsFirst: Promise<Map<number, number> | undefined> | undefined;
    let backendsLast: Promise<Map<number, number> | undefined> | undefined;
    const run = await fleet.measure(
      { runId, rate, warmupMs: settings.warmupMs, durationMs: settings.durationMs, graceMs: settings.graceMs, textChars: settings.textChars, acks: target !== 'bare' },
      {
        windowStart: () => {
          first = sample();
          before = servers.map((server) => server.requestStats());
          backendsFirst = backends();
        },
        windowEnd: () => {
          last = sample();
          after = servers.map((server) => server.requestStats());
          backendsLast = backends();
        },
      },
    );
    const [statsBefore, statsAfter, dbFirst, dbLast] = await Promise.all([
      Promise.all(before.map((request) => request.wait(STATS_WAIT_MS))),
      Promise.all(after.map((request) => request.wait(STATS_WAIT_MS))),
      backendsFirst,
      backendsLast,
    ]);
    const wallMs = last.at - first.at;
    const pct = (ms: number) => (100 * ms) / wallMs;
    const result = summarise(target, run, {
      cpuPcts: servers.map((_, i) => pct(last.servers[i] - first.servers[i])),
      ...(schema && dbFirst && dbLast && { databaseCpuPct: pct(cpuBetween(dbFirst, dbLast)) }),
      ...(last.redis !== undefined && first.redis !== undefined && { redisCpuPct: pct(last.redis - first.redis) }),
      machinePct: pct(last.machine - first.machine),
      before: statsBefore,
      after: statsAfter,
    });
    progress(
      `  → sent ${Math.round(result.sentPerSec)}/s, delivered ${Math.round(result.deliveredPerSec)}/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, lost ${result.lost}; other processes ${Math.round(result.otherCpuPct)}% of a core`,
    );
    return result;
  } finally {
    fleet?.close();
    await undeploy(deployment);
  }
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'clinic-chat-bench-'));
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void leave(130));

  const runs = settings.targets.length * settings.rates.length;
  const perRate = settings.targets.reduce((sum, target) => sum + settings.warmupMs + settings.durationMs + settings.graceMs + runOverheadBoundMs(target), 0);
  const budgetMs = settings.rates.length * perRate;
  const watchdog = setTimeout(() => {
    progress(`bench: gave up after ${Math.round(budgetMs / 1000)} s`);
    void leave(2);
  }, budgetMs);

  const started = performance.now();
  const fsync = probeFsync(tmp);
  const services = [
    ...(settings.targets.some((t) => POSTGRES_TARGETS.has(t)) ? [`${await describeServer(settings.postgresUrl)}, a fresh schema per run`] : []),
    ...(settings.targets.includes('hubs-2-redis') ? [`Redis ${redisVersion()} (the bench's own redis-server per run, no persistence)`] : []),
  ];
  progress(
    `bench: ${settings.pairs} pairs (${settings.pairs * 2} clients), rates ${settings.rates.join(', ')} msg/s, ` +
      `${settings.warmupMs / 1000} s warm-up + ${settings.durationMs / 1000} s measured + ≤ ${settings.graceMs / 1000} s grace, targets ${settings.targets.join(', ')}`,
  );
  const results: RunResult[] = [];
  let runNumber = 0;
  for (const rate of settings.rates) {
    for (const target of settings.targets) {
      runNumber++;
      progress(`run ${runNumber}/${runs}: ${TARGET_LABELS[target]} at ${rate} msg/s`);
      results.push(await measureOne(target, rate, settings, join(tmp, `${target}-${rate}`), `r${runNumber}`));
    }
  }
  clearTimeout(watchdog);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# clinic-chat hub benchmark`);
  console.log();
  console.log(`- command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`);
  console.log(`- machine: ${availableParallelism()} cores (${cpu}), ${process.platform} ${release()} ${arch()}, node ${process.version}`);
  console.log(`- disk: fdatasync of a 4 KiB append in ${tmpdir()}: p50 ${fsync.p50.toFixed(2)} ms, p99 ${fsync.p99.toFixed(2)} ms (${fsync.count} calls)`);
  for (const service of services) console.log(`- ${service}`);
  console.log(
    `- load: ${settings.pairs} patient/provider pairs (${settings.pairs * 2} clients), one org per pair; ${settings.textChars}-character texts; ` +
      `${settings.warmupMs / 1000} s warm-up, ${settings.durationMs / 1000} s measured, ≤ ${settings.graceMs / 1000} s grace; a fresh server per run`,
  );
  console.log(`- total time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log();
  console.log(formatTables(results, settings.targets));
  console.log();
  console.log(formatNotes(results));
}

let leaving = false;

/**
 * Exits with `code` after stopping a run cut short (its servers close their database
 * connections) and dropping any PostgreSQL schema still there. Whatever is left when the time
 * is up — server and Redis processes, the temp folder — goes in the 'exit' handlers.
 */
async function leave(code: number): Promise<void> {
  if (leaving) return;
  leaving = true;
  setTimeout(() => process.exit(code), CLEANUP_TIMEOUT_MS).unref();
  const failed = (error: unknown) => progress(`bench: cleaning up: ${error instanceof Error ? error.message : String(error)}`);
  await Promise.all([...deployed].map((deployment) => undeploy(deployment).catch(failed)));
  await dropAll().catch(failed);
  process.exit(code);
}

main().catch((error: unknown) => {
  // A run cut short by the watchdog or a signal fails as its servers go: that is not news.
  if (leaving) return;
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  void leave(1);
});
