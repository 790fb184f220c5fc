// The bench's own Redis for the multi-hub target: a `redis-server` on a free loopback port,
// with persistence off (nothing the hubs put there outlives the run). Like the bench's server
// processes it goes when the bench's end of its stdin closes, however the bench ends (even
// SIGKILL): a shell starts it, prints its pid, and stops it when stdin reaches its end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

const START_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 3000;
const POLL_MS = 50;

/** Runs redis-server with the script's arguments; `$!` is still redis-server's pid after the echo. */
const GUARD = 'redis-server "$@" & echo "$!"; read -r _; kill "$!" 2>/dev/null; wait';

const running = new Set<RedisProcess>();

process.on('exit', () => {
  for (const redis of running) redis.kill();
});

export class RedisProcess {
  private exited = false;
  /** redis-server's own pid (the shell's child), once the shell has printed it. */
  private redisPid?: number;
  /** The end of what it printed, for the error when it does not start. */
  private output = '';

  private constructor(
    private readonly guard: ChildProcess,
    readonly url: string,
  ) {
    running.add(this);
    // A write to a shell that has just died fails with EPIPE; its 'exit' event is what reports that.
    guard.stdin!.on('error', () => undefined);
    createInterface({ input: guard.stdout! }).on('line', (line) => {
      if (this.redisPid === undefined && /^\d+$/.test(line)) this.redisPid = Number(line);
      else this.output = `${this.output}${line}\n`.slice(-2000);
    });
    guard.once('exit', () => {
      this.exited = true;
      running.delete(this);
    });
  }

  static async start(): Promise<RedisProcess> {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    const guard = spawn('sh', ['-c', GUARD, 'sh', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    guard.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    const redis = new RedisProcess(guard, `redis://127.0.0.1:${port}`);
    try {
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await pong(port))) {
        if (redis.exited) throw new Error(`redis-server did not start: ${redis.output.trim()}`);
        if (Date.now() >= deadline) throw new Error(`redis-server did not answer within ${START_TIMEOUT_MS} ms (is it on PATH? the multi-hub target needs it) ${redis.output.trim()}`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      return redis;
    } catch (error) {
      await redis.stop();
      throw error;
    }
  }

  /** redis-server's pid, for its CPU time. */
  get pid(): number | undefined {
    return this.redisPid;
  }

  /** Ends the shell's stdin (it stops redis-server and exits); kills both if they have not gone in time. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.guard.once('exit', () => resolve()));
    this.guard.stdin!.end();
    const timer = setTimeout(() => this.kill(), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    // Only while that pid is still a redis-server: once it has gone, the number may be another process's.
    if (this.redisPid !== undefined && commandOf(this.redisPid).includes('redis-server')) {
      try {
        process.kill(this.redisPid, 'SIGKILL');
      } catch {
        // Gone in between.
      }
    }
    this.guard.kill('SIGKILL');
  }
}

/** `redis-server --version`, for the report's header. */
export function redisVersion(): string {
  const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return /v=(\S+)/.exec(result.stdout ?? '')?.[1] ?? 'unknown version';
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
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
