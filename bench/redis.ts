// The bench's own Redis for the multi-hub target: a `redis-server` child on a free loopback
// port, with persistence off (nothing the hubs put there outlives the run), killed when the
// bench exits however it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

const START_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 3000;
const POLL_MS = 50;

const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class RedisProcess {
  private exited = false;
  /** The end of what it printed, for the error when it does not start. */
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    running.add(child);
    child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-2000)));
    child.once('exit', () => {
      this.exited = true;
      running.delete(child);
    });
  }

  static async start(): Promise<RedisProcess> {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(new Error(`cannot start redis-server (${error.message}); the multi-hub target needs it on PATH`)));
    });
    child.stderr!.pipe(process.stderr);
    await spawned;
    const redis = new RedisProcess(child, `redis://127.0.0.1:${port}`);
    try {
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await pong(port))) {
        if (redis.exited) throw new Error(`redis-server exited before it answered: ${redis.output.trim()}`);
        if (Date.now() >= deadline) throw new Error(`redis-server did not answer within ${START_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      return redis;
    } catch (error) {
      await redis.stop();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM, then SIGKILL if it has not gone in time. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  }
}

/** A port nothing listens on right now (the OS picks it; another process could take it before Redis does, rarely). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a Redis on `port` answers PING. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
