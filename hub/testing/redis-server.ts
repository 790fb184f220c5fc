// A redis-server of a test's own, as a child process on a free port, that the test may stop
// and start again on the same port (an outage). Nothing is saved to disk. Test-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export class TestRedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  /** Starts a redis-server on a port no one else uses. */
  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts it (again) on the same port, empty; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready`))));
    const ready = (async () => {
      for await (const line of createInterface({ input: child.stdout! })) {
        if (line.includes('Ready to accept connections')) return;
      }
    })();
    try {
      await Promise.race([ready, exited]);
    } catch (error) {
      this.child = undefined;
      throw error;
    }
    // Keep draining its output so it never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
  }

  /** Kills it at once, like a crashed Redis; its data is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
