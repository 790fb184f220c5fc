// Inbox changes, live: after an action is committed (through REST or the socket, on any hub),
// every staff socket of the org gets the conversation's new shared state (`inbox`), the
// staff member concerned gets their own marks (`inbox-state`), and notes go to the care team
// (`note`). Nothing here ever routes to a patient: notes and inbox state are staff-only.
import type { OutgoingFrame } from '../../protocol/index.js';
import type { Note } from '../../protocol/inbox.js';
import type { HubDatabase } from '../db/database.js';
import { inboxRow } from '../db/repositories/inbox.js';
import { inboxItem, inboxMark } from '../domain/inbox-items.js';
import type { Route } from './broker.js';

export type Publish = (orgId: string, route: Route, frames: readonly OutgoingFrame[]) => void;

export class InboxLive {
  constructor(
    private readonly db: HubDatabase,
    private readonly publish: Publish,
  ) {}

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

  viewing(orgId: string, frame: Extract<OutgoingFrame, { type: 'viewing' }>): void {
    this.publish(orgId, { to: 'staff' }, [frame]);
  }
}
