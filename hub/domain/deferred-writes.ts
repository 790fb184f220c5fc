// Writes that need not hold up a frame: read/delivery cursors and audit rows. They are
// gathered for a moment and committed together, so a busy hub pays one fsync for many of
// them instead of one each. Cursors only move forward, so several updates of one cursor
// fold into the highest. A crash can lose the last interval of cursor moves (a receipt
// shown as "Sent" rather than "Delivered"), never a message: messages have their own
// commit-before-ack path.
import type { HubDatabase } from '../db/database.js';
import { audit, type AuditInput } from '../db/repositories/audit.js';
import { isDatabaseUnavailable } from '../db/dialect.js';
import { advanceCursor } from '../db/repositories/cursors.js';

interface CursorMove {
  conversationId: string;
  participant: { kind: 'patient' | 'staff'; id: string };
  delivered: number;
  read: number;
}

export class DeferredWrites {
  private cursors = new Map<string, CursorMove>();
  private audits: AuditInput[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private flushing?: Promise<void>;

  constructor(
    private readonly db: HubDatabase,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 100,
  ) {}

  cursor(conversationId: string, participant: CursorMove['participant'], to: { delivered?: number; read?: number }): void {
    const key = `${conversationId}:${participant.kind}:${participant.id}`;
    const current = this.cursors.get(key) ?? { conversationId, participant, delivered: 0, read: 0 };
    current.delivered = Math.max(current.delivered, to.delivered ?? 0, to.read ?? 0);
    current.read = Math.max(current.read, to.read ?? 0);
    this.cursors.set(key, current);
    this.schedule();
  }

  audit(entry: AuditInput): void {
    this.audits.push(entry);
    this.schedule();
  }

  /** Commits everything gathered so far. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const cursors = [...this.cursors.values()];
    const audits = this.audits;
    this.cursors = new Map();
    this.audits = [];
    if (!cursors.length && !audits.length) return;
    this.flushing = this.commit(cursors, audits).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async commit(cursors: CursorMove[], audits: AuditInput[]): Promise<void> {
    const writeCursor = (db: HubDatabase, c: CursorMove) => advanceCursor(db, c.conversationId, c.participant, { delivered: c.delivered, read: c.read });
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const c of cursors) await writeCursor(trx, c);
        for (const entry of audits) await audit(trx, entry);
      });
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // Kept for the next flush: the database is expected back (cursors fold into newer moves).
        this.onError(error);
        for (const c of cursors) this.cursor(c.conversationId, c.participant, { delivered: c.delivered, read: c.read });
        this.audits.unshift(...audits);
        this.schedule();
        return;
      }
      // One failed row (a conversation deleted meanwhile in relay mode) must not take the others
      // with it; on PostgreSQL a failed statement aborts its whole transaction, so each goes alone.
      const settle = (write: Promise<void>) => write.catch(this.onError);
      for (const c of cursors) await settle(writeCursor(this.db, c));
      for (const entry of audits) await settle(audit(this.db, entry));
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }
}
