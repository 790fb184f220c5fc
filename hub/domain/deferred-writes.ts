// Writes that need not hold up a frame: read/delivery cursors and audit rows. They are
// gathered for a moment and committed together, so a busy hub pays one fsync for many of
// them instead of one each. Cursors only move forward, so several updates of one cursor
// fold into the highest. A crash can lose the last interval of cursor moves (a receipt
// shown as "Sent" rather than "Delivered"), never a message: messages have their own
// commit-before-ack path.
import type { HubDatabase } from '../db/database.js';
import { audit, type AuditInput } from '../db/repositories/audit.js';
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
    this.flushing = this.db
      .transaction()
      .execute(async (trx) => {
        // One failed row (a conversation deleted meanwhile in relay mode) must not take the others with it.
        const settle = (write: Promise<void>) => write.catch(this.onError);
        for (const c of cursors) await settle(advanceCursor(trx, c.conversationId, c.participant, { delivered: c.delivered, read: c.read }));
        for (const entry of audits) await settle(audit(trx, entry));
      })
      .catch(this.onError)
      .finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }
}
