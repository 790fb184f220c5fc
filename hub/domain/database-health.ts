// Whether the database is reachable, as the hub last saw it. A query that fails for want of a
// connection marks it down; from then on a probe asks every second until it answers. While it
// is down the gateway refuses messages with `overloaded` (the outbox re-sends), REST answers
// 503 and /health says so; nothing else needs a restart.
import type { Logger } from 'pino';
import { pingDatabase, type HubDatabase } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/dialect.js';

export class DatabaseHealth {
  private down = false;
  private probe?: ReturnType<typeof setInterval>;
  private probing = false;

  constructor(
    private readonly db: HubDatabase,
    private readonly log: Logger,
    private readonly probeMs = 1000,
  ) {}

  get up(): boolean {
    return !this.down;
  }

  /** Takes a failed query's error; true when it means the database is unreachable (now marked down). */
  report(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    this.markDown(error);
    return true;
  }

  private markDown(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'database unreachable: refusing messages until it answers');
    this.probe = setInterval(() => void this.check(), this.probeMs);
    this.probe.unref();
  }

  /** Asks the database now (for /health and the probe); true when it answered. */
  async check(): Promise<boolean> {
    if (this.probing) return this.up;
    this.probing = true;
    try {
      await pingDatabase(this.db);
      if (this.down) {
        this.down = false;
        clearInterval(this.probe);
        this.log.info('database reachable again');
      }
      return true;
    } catch (error) {
      // A ping that fails or does not answer in time means "not serving", whatever the error.
      this.markDown(error);
      return false;
    } finally {
      this.probing = false;
    }
  }

  close(): void {
    clearInterval(this.probe);
  }
}
