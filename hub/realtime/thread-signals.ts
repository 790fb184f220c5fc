// What passes through a thread besides messages: receipts (which move the sender's cursor and,
// for staff reads, are audited), typing, and ending the visit's chat. Receipts go to the other
// side only; typing and ending to everyone in the thread but the sending socket.
import type { OutgoingFrame } from '../../protocol/index.js';
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { endVisitChat } from '../db/repositories/conversations.js';
import { maxSeqOf } from '../db/repositories/messages.js';
import type { DeferredWrites } from '../domain/deferred-writes.js';
import type { Timeline } from '../domain/timeline.js';
import type { Route } from './broker.js';
import type { ConversationRefs } from './conversation-refs.js';
import type { InboxLive } from './inbox-live.js';
import type { Session } from './session.js';

export interface ThreadSignalsDeps {
  ctx: HubContext;
  conversations: ConversationRefs;
  deferred: DeferredWrites;
  inbox: InboxLive;
  timeline: Timeline;
  publish: (orgId: string, route: Route, frames: readonly OutgoingFrame[]) => void;
}

export class ThreadSignals {
  constructor(private readonly d: ThreadSignalsDeps) {}

  async receipt(session: Session, identity: Identity, kind: 'delivered' | 'read', thread: string, ids: readonly string[]): Promise<void> {
    const ref = await this.d.conversations.of(session, identity, thread);
    if (!ref) return;
    const seq = await maxSeqOf(this.d.ctx.db, identity.orgId, ref.id, ids);
    if (seq > 0) this.d.deferred.cursor(ref.id, { kind: identity.kind, id: identity.id }, kind === 'read' ? { read: seq } : { delivered: seq });
    if (seq > 0 && kind === 'read' && identity.kind === 'staff') {
      // A staff read receipt is the moment patient messages were on a clinician's screen.
      this.d.deferred.audit({ orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'messages.read', subject: { type: 'conversation', id: ref.id }, detail: { upToSeq: seq } });
      // Their other screens (and inbox badges) learn it once the cursor is written.
      const orgId = identity.orgId;
      void this.d.deferred
        .flush()
        .then(() => this.d.inbox.markChanged(orgId, identity.id, ref.id))
        .catch(() => undefined);
    }
    const receipt: OutgoingFrame = { type: kind, from: identity.externalId, thread, ids: [...ids] };
    this.d.publish(identity.orgId, identity.kind === 'patient' ? { to: 'staff' } : { to: 'patient', thread }, [receipt]);
  }

  async ended(session: Session, identity: Identity, thread: string): Promise<void> {
    const ref = await this.d.conversations.of(session, identity, thread);
    if (!ref) return;
    const visit = await endVisitChat(this.d.ctx.db, identity.orgId, ref.id);
    void this.d.inbox.changed(identity.orgId, ref.id).catch(() => undefined);
    if (visit !== undefined) {
      const by = { kind: identity.kind, id: identity.id, name: identity.name };
      void this.d.timeline
        .record({ orgId: identity.orgId, conversationId: ref.id, kind: 'visit-ended', by, ...(visit && { fields: { visit } }) })
        .catch(() => undefined);
    }
    this.fanOut(session, identity.orgId, thread, [{ type: 'ended', from: identity.externalId, thread, at: Date.now() }]);
  }

  typing(session: Session, identity: Identity, thread: string, active: boolean): void {
    if (identity.kind === 'patient' && thread !== identity.externalId) return;
    this.fanOut(session, identity.orgId, thread, [{ type: 'typing', from: identity.externalId, thread, active }]);
  }

  /** To everyone in the thread except the sending socket: the patient's sockets and the org's care team. */
  fanOut(sender: Session, orgId: string, thread: string, frames: readonly OutgoingFrame[]): void {
    this.d.publish(orgId, { to: 'thread', thread, except: sender.id }, frames);
  }
}
