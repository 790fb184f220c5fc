// The control channel of a bench server process (hub or bare relay). It prints one JSON line
// when listening; each `stats` line on stdin is answered with one JSON line of process figures
// (CPU time, memory, event-loop delay since the last answer); the end of stdin — the bench
// finished, or died — closes the server and exits, so a server never outlives its bench.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface ServerStats {
  /** performance.now() in the server process, to turn CPU time into a share of wall time. */
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssMb: number;
  /** Event-loop delay since the previous `stats` answer (or start-up). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Server-specific counters (the hub's database transactions, the relay's forwarded frames). */
  counters: Record<string, number>;
}

/** The most a server gets to close before it exits anyway. */
const CLOSE_TIMEOUT_MS = 5000;

export function serveControl(hello: unknown, counters: () => Record<string, number>, close: () => Promise<void>): void {
  const loop = monitorEventLoopDelay({ resolution: 5 });
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
    const cpu = process.cpuUsage();
    const stats: ServerStats = {
      wallMs: performance.now(),
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
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
