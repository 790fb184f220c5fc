// Inbox changes, live: after an action is committed (through REST or the socket, on any hub),
// every staff socket of the org gets the conversation's new shared state (`inbox`), the
// staff member concerned gets their own marks (`inbox-state`), and notes go to the care team
// (`note`). Nothing here ever routes to a patient: notes and inbox state are staff-only.
import type { OutgoingFrame } from '../../protocol/index.js';
import type { Note } from '../../protocol/inbox.js';
import type { TimelineEvent } from '../../protocol/timeline.js';
import type { Identity } from '../auth/identity.js';
import type { HubDatabase } from '../db/database.js';
import { getConversation } from '../db/repositories/conversations.js';
import { inboxRow } from '../db/repositories/inbox.js';
import { inboxItem, inboxMark } from '../domain/inbox-items.js';
import type { Route } from './broker.js';
import type { Session } from './session.js';

export type Publish = (orgId: string, route: Route, frames: readonly OutgoingFrame[]) => void;

export class InboxLive {
  /** Conversations with new messages whose inbox state is still to be published, per org. */
  private readonly pending = new Map<string, Set<string>>();
  private flushing = false;

  constructor(
    private readonly db: HubDatabase,
    private readonly publish: Publish,
  ) {}

  /**
   * A message was stored: its conversation's shared state changed (preview, last author, re-opened).
   * A burst into one conversation is published once, on the next turn of the event loop.
   */
  messageStored(orgId: string, conversationId: string): void {
    let ids = this.pending.get(orgId);
    if (!ids) this.pending.set(orgId, (ids = new Set()));
    ids.add(conversationId);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => void this.flushPending());
  }

  /** One flush at a time, so a conversation's older state is never published after a newer one. */
  private async flushPending(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      this.pending.clear();
      for (const [orgId, ids] of batch) {
        for (const id of ids) await this.changed(orgId, id).catch(() => undefined);
      }
    }
    this.flushing = false;
  }

  /** The conversation's shared state changed: tell the care team. */
  async changed(orgId: string, conversationId: string): Promise<void> {
    // A viewer no cursor belongs to reads the shared state only.
    const row = await inboxRow(this.db, { orgId, staffId: '', lists: [] }, conversationId);
    if (row) this.publish(orgId, { to: 'staff' }, [{ type: 'inbox', conversation: inboxItem(row) }]);
  }

  /** One staff member's own marks on a conversation changed (read, mark unread, mentioned, dismissed). */
  async markChanged(orgId: string, staffId: string, conversationId: string): Promise<void> {
    const row = await inboxRow(this.db, { orgId, staffId, lists: [] }, conversationId);
    if (row) this.publish(orgId, { to: 'staff-member', staff: staffId }, [{ type: 'inbox-state', conversation: conversationId, mark: inboxMark(row) }]);
  }

  note(orgId: string, note: Note): void {
    this.publish(orgId, { to: 'staff' }, [{ type: 'note', note }]);
  }

  event(orgId: string, event: TimelineEvent): void {
    this.publish(orgId, { to: 'staff' }, [{ type: 'event', event }]);
  }

  /** Teams, members or alert settings changed: every staff client loads the directory again. */
  directoryChanged(orgId: string): void {
    this.publish(orgId, { to: 'staff' }, [{ type: 'inbox-directory' }]);
  }

  /** A socket says which conversation it is viewing (staff only, within their org); the one it viewed before is left. */
  async view(session: Session, identity: Identity, conversationId: string, active: boolean): Promise<void> {
    if (identity.kind !== 'staff') {
      session.send({ type: 'error', code: 'not-allowed', message: 'only the care team shares what it is viewing' });
      return;
    }
    if (active && !(await getConversation(this.db, identity.orgId, conversationId))) {
      session.send({ type: 'error', code: 'not-found', message: 'no such conversation', ref: conversationId });
      return;
    }
    if (active && session.viewing && session.viewing !== conversationId) this.announce(identity, session.viewing, false);
    session.viewing = active ? conversationId : session.viewing === conversationId ? undefined : session.viewing;
    this.announce(identity, conversationId, active);
  }

  /** A staff page that just joined learns who is viewing what now (the sockets of this hub). */
  viewersTo(session: Session, staffSessions: Iterable<Session>): void {
    for (const other of staffSessions) {
      if (other === session || !other.viewing || !other.identity) continue;
      session.send({ type: 'viewing', conversation: other.viewing, active: true, staff: { id: other.identity.id, name: other.identity.name } });
    }
  }

  /** A closed socket views nothing any more. */
  socketClosed(session: Session, identity: Identity): void {
    if (session.viewing) this.announce(identity, session.viewing, false);
  }

  private announce(identity: Identity, conversationId: string, active: boolean): void {
    this.publish(identity.orgId, { to: 'staff' }, [{ type: 'viewing', conversation: conversationId, active, staff: { id: identity.id, name: identity.name } }]);
  }
}
