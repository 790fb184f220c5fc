// Starting, querying and stopping a bench server process (bench/hub-server.ts or
// bench/bare-relay.ts) through its control channel: a JSON line out when it listens, a JSON
// line of stats for each `stats` line in, exit when its stdin ends (see server-control.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from './server-control.js';

const STOP_TIMEOUT_MS = 6000;

/** Every server still running, so that an exit of the bench, however it happens, kills them. */
const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ServerProcess {
  /** Lines not yet claimed by anyone; the hello line waits here. */
  private readonly lines: string[] = [];
  /** Stats requests in the order they were written; each answer line settles the oldest, even one that timed out. */
  private readonly pending: Array<(line: string) => void> = [];
  private wake?: () => void;
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    // A write to a server that has just died fails with EPIPE; its 'exit' event is what reports that.
    child.stdin!.on('error', () => undefined);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const claim = this.pending.shift();
      if (claim) claim(line);
      else this.lines.push(line);
      this.wake?.();
    });
    child.once('exit', () => {
      this.exited = true;
      running.delete(child);
      this.wake?.();
    });
  }

  /**
   * Starts `script` (a file in bench/) under tsx and waits for its hello line. With
   * `profileDir`, the server writes a V8 CPU profile there when it exits.
   */
  static async start<Hello>(
    name: string,
    script: string,
    arg: unknown,
    options: { timeoutMs: number; profileDir?: string },
  ): Promise<{ server: ServerProcess; hello: Hello }> {
    const path = fileURLToPath(new URL(script, import.meta.url));
    const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', path, JSON.stringify(arg)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const server = new ServerProcess(name, child);
    try {
      const deadline = Date.now() + options.timeoutMs;
      while (server.lines.length === 0) {
        if (server.exited) throw new Error(`${name} exited (code ${child.exitCode}) before it listened`);
        if (Date.now() >= deadline) throw new Error(`${name} did not start within ${options.timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          server.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return { server, hello: JSON.parse(server.lines.shift()!) as Hello };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Asks for the server's figures now; the answer is awaited later with `wait`. A server too
   * busy to read its stdin answers late, and `wait` then says undefined when its time is up.
   */
  requestStats(): { wait(ms: number): Promise<ServerStats | undefined> } {
    const answer = new Promise<ServerStats>((resolve) => this.pending.push((line) => resolve(JSON.parse(line) as ServerStats)));
    if (!this.exited) this.child.stdin!.write('stats\n');
    return {
      wait: (ms) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve(undefined), ms);
          void answer.then((stats) => {
            clearTimeout(timer);
            resolve(stats);
          });
        }),
    };
  }

  /** Ends its stdin (it closes and exits), and kills it if it has not gone in time. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  }
}
