// Group commit: messages that arrive while a commit is running are stored together in the
// next transaction. Each caller's promise resolves only after the commit that holds its
// message, so an ack always means "committed" — and one fsync serves many messages.
//
// One batch is in flight at a time, on SQLite and on PostgreSQL alike. On PostgreSQL the
// commit is asynchronous and the next batch forms while it runs, so one drain already
// amortises the round trips; a second concurrent drain would let two transactions of this
// hub race for the same conversation row (a later message could take a lower seq than an
// earlier one from the same sender) and could lock rows in opposite orders. Within a batch
// messages are stored grouped by conversation id (arrival order kept inside each), so every
// hub takes row locks in the same order and two hubs' batches cannot deadlock.
import type { HubDatabase } from '../db/database.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/dialect.js';
import { storeMessageIn, type EndedRefusal, type MessageInput, type StoredMessage } from '../db/repositories/messages.js';

interface Job {
  input: MessageInput;
  resolve: (stored: StoredMessage | EndedRefusal) => void;
  reject: (error: unknown) => void;
}

export class MessageWriter {
  private queue: Job[] = [];
  private running?: Promise<void>;
  private closed = false;

  constructor(
    private readonly db: HubDatabase,
    /**
     * Whether the database is thought reachable. While it is not, queued messages are refused
     * without a try: a database that went silent would make each batch wait out its query
     * timeouts, and every message queued behind it with it.
     */
    private readonly reachable: () => boolean = () => true,
    private readonly maxBatch = 256,
  ) {}

  /** Messages waiting for a commit; the gateway refuses new ones (`overloaded`) past a bound. */
  get backlog(): number {
    return this.queue.length;
  }

  store(input: MessageInput): Promise<StoredMessage | EndedRefusal> {
    if (this.closed) return Promise.reject(new Error('message writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      // Start on the next turn of the event loop, not now: better-sqlite3 is synchronous, so a
      // commit started at once would run before any other socket's frames are read, and every
      // transaction would hold one message. Waiting one turn lets a batch form.
      this.running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
    });
  }

  /** Waits for everything queued to be committed (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = inLockOrder(this.queue.splice(0, this.maxBatch));
        if (!this.reachable()) {
          for (const job of batch) job.reject(new DatabaseUnavailableError());
          continue;
        }
        try {
          const results = await this.db.transaction().execute(async (trx) => {
            const out: Array<StoredMessage | EndedRefusal> = [];
            for (const job of batch) out.push(await storeMessageIn(trx, job.input));
            return out;
          });
          batch.forEach((job, i) => job.resolve(results[i]));
        } catch (error) {
          // The database is unreachable: every message of the batch fails the same way, and
          // retrying each alone would only make its senders wait longer for the refusal.
          if (batch.length === 1 || isDatabaseUnavailable(error)) for (const job of batch) job.reject(error);
          // One bad message must not sink its neighbours: retry them one transaction each.
          else for (const job of batch) await this.storeAlone(job);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async storeAlone(job: Job): Promise<void> {
    try {
      job.resolve(await this.db.transaction().execute((trx) => storeMessageIn(trx, job.input)));
    } catch (error) {
      job.reject(error);
    }
  }
}

/** The batch grouped by conversation id; Array.prototype.sort is stable, so each conversation keeps arrival order. */
function inLockOrder(batch: Job[]): Job[] {
  return batch.sort((a, b) => (a.input.conversationId < b.input.conversationId ? -1 : a.input.conversationId > b.input.conversationId ? 1 : 0));
}
