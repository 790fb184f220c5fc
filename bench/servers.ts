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
  private readonly lines: string[] = [];
  private waiter?: () => void;
  private exited = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiter?.();
    });
    child.once('exit', () => {
      this.exited = true;
      running.delete(child);
      this.waiter?.();
    });
  }

  /** Starts `script` (a file in bench/) under tsx and waits for its hello line. */
  static async start<Hello>(name: string, script: string, arg: unknown, timeoutMs: number): Promise<{ server: ServerProcess; hello: Hello }> {
    const path = fileURLToPath(new URL(script, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', path, JSON.stringify(arg)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const server = new ServerProcess(name, child);
    try {
      const hello = (await server.nextLine(timeoutMs)) as Hello;
      return { server, hello };
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stats(timeoutMs = 10_000): Promise<ServerStats> {
    this.child.stdin!.write('stats\n');
    return this.nextLine(timeoutMs) as Promise<ServerStats>;
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

  private async nextLine(timeoutMs: number): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.exited) throw new Error(`${this.name} exited (code ${this.child.exitCode})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name} did not answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return JSON.parse(this.lines.shift()!);
  }
}
