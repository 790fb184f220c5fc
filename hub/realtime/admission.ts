// Whether the hub takes a message frame now. A message refused for now gets a typed error
// that the sender's outbox re-sends (`overloaded`, `rate-limited`) and is never acknowledged.
// While the database is unreachable a message is turned away at once, before any query waits
// on a dead connection; a message whose handling or commit fails for want of the database is
// turned away the same way, and that failure marks the database down so the next ones need
// not try. Order: after a message of a thread was turned away, later ones wait for its resend.
import type { MessageFrame } from '../../protocol/index.js';
import type { DatabaseHealth } from '../domain/database-health.js';
import type { Session } from './session.js';

const DATABASE_AWAY = 'the database is unavailable; the message will be retried';

/**
 * A refusal for now (the sender retries). Later messages of the thread wait until this one
 * comes again, so a retried message never lands after one its sender wrote later. The first
 * refusal of a thread is the one they wait for: a batch that fails refuses its messages in
 * the order they came.
 */
export function turnAway(session: Session, frame: MessageFrame, code: 'overloaded' | 'rate-limited', message: string): void {
  if (!session.resendFirst.has(frame.thread)) session.resendFirst.set(frame.thread, frame.id);
  session.send({ type: 'error', code, message, ref: frame.id });
}

export class MessageAdmission {
  constructor(private readonly health: DatabaseHealth) {}

  /** Handles one message frame, unless an earlier one of its thread must come first or the database is known to be away. */
  async message(session: Session, frame: MessageFrame, handle: () => Promise<void>): Promise<void> {
    const waitingFor = session.resendFirst.get(frame.thread);
    if (waitingFor !== undefined && waitingFor !== frame.id) {
      session.send({ type: 'error', code: 'overloaded', message: 'an earlier message is waiting to be resent', ref: frame.id });
      return;
    }
    session.resendFirst.delete(frame.thread);
    if (!this.health.up) return turnAway(session, frame, 'overloaded', DATABASE_AWAY);
    try {
      await handle();
    } catch (error) {
      if (!this.health.report(error)) throw error;
      turnAway(session, frame, 'overloaded', DATABASE_AWAY);
    }
  }

  /** The commit holding the message failed; true when that was for want of the database (and the message was turned away). */
  commitFailed(session: Session, frame: MessageFrame, error: unknown): boolean {
    if (!this.health.report(error)) return false;
    turnAway(session, frame, 'overloaded', DATABASE_AWAY);
    return true;
  }

  /** Any other frame's handling failed; true when that was for want of the database (logged once, by its health, not per frame). */
  frameFailed(session: Session, error: unknown): boolean {
    if (!this.health.report(error)) return false;
    session.send({ type: 'error', code: 'overloaded', message: 'the database is unavailable; try again shortly' });
    return true;
  }
}
