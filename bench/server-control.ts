// The control channel of a bench server process (hub or bare relay). It prints one JSON line
// when listening; each `stats` line on stdin is answered with one JSON line of process figures
// (memory, event-loop delay since the last answer, counters); the end of stdin — the bench
// finished, or died — closes the server and exits, so a server never outlives its bench.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface ServerStats {
  /** performance.now() in the server process: how far apart two answers really were. */
  wallMs: number;
  rssMb: number;
  /** Event-loop delay (beyond the sampling period) since the previous `stats` answer, or start-up. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Server-specific counters (the hub's database transactions). */
  counters: Record<string, number>;
}

/** Sampling period of the event-loop delay histogram; its readings include this period, which we take off. */
export const LOOP_RESOLUTION_MS = 2;

/** The most a server gets to close before it exits anyway. */
const CLOSE_TIMEOUT_MS = 5000;

export function serveControl(hello: unknown, counters: () => Record<string, number>, close: () => Promise<void>): void {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const write = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    setTimeout(() => process.exit(0), CLOSE_TIMEOUT_MS).unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'stats') return;
    const stats: ServerStats = {
      wallMs: performance.now(),
      rssMb: process.memoryUsage.rss() / 2 ** 20,
      loopDelayP99Ms: excessDelay(loop.percentile(99)),
      loopDelayMaxMs: excessDelay(loop.max),
      counters: counters(),
    };
    loop.reset();
    write(stats);
  });
  lines.on('close', exit);
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  write(hello);
}

/** A histogram reading (ns) as milliseconds of delay beyond the sampling period. */
export function excessDelay(ns: number): number {
  return Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
}
