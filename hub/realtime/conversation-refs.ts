// The conversation behind a socket's thread, remembered per hub: a patient's conversation
// never changes id once made (persistent mode), so only its id is kept; everything another
// hub can change (ended, closed, claimed, opted out) is read from the database when it matters.
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { findPatientConversation, getOrCreateConversation } from '../db/repositories/conversations.js';
import { getPatientByExternalId } from '../db/repositories/people.js';
import { mayActIn } from '../domain/access.js';
import type { Session } from './session.js';

/** Conversations remembered per hub; past this the oldest are looked up again. */
const CONVERSATION_CACHE = 50_000;

export interface ConversationRef {
  id: string;
}

export class ConversationRefs {
  private readonly refs = new Map<string, ConversationRef>();

  constructor(private readonly ctx: HubContext) {}

  /**
   * The conversation behind a thread, if this identity may act in it. Refusals answer with a
   * typed error (`ref` names the refused frame) and change nothing. Reading (`create` false,
   * as on resume) never creates a conversation; writing does.
   */
  async of(session: Session, identity: Identity, thread: string, ref?: string, create = true): Promise<ConversationRef | undefined> {
    if (!mayActIn(identity, thread)) {
      session.send({ type: 'error', code: 'not-allowed', message: 'a patient may only write in their own chat', ...(ref ? { ref } : {}) });
      return undefined;
    }
    const key = conversationKey(identity.orgId, thread);
    const cached = this.refs.get(key);
    if (cached) return cached;
    const patient = await getPatientByExternalId(this.ctx.db, identity.orgId, thread);
    if (!patient) {
      if (create) session.send({ type: 'error', code: 'not-found', message: 'no such patient', ...(ref ? { ref } : {}) });
      return undefined;
    }
    // A record merged into another has no chat of its own any more: its conversations are the
    // other record's, whose id the vendor's backend should sign from now on. Refused, not lost.
    if (patient.merged_into) {
      if (create) session.send({ type: 'error', code: 'not-allowed', message: 'this patient record was merged into another; sign in as that one', ...(ref ? { ref } : {}) });
      return undefined;
    }
    const visit = identity.kind === 'patient' ? identity.visit ?? null : null;
    const conversation = create
      ? await getOrCreateConversation(this.ctx.db, identity.orgId, patient.id, visit)
      : await findPatientConversation(this.ctx.db, identity.orgId, patient.id);
    if (!conversation) return undefined;
    const value: ConversationRef = { id: conversation.id };
    if (this.refs.size >= CONVERSATION_CACHE) this.refs.delete(this.refs.keys().next().value!);
    this.refs.set(key, value);
    return value;
  }

  /** The remembered conversation of a thread, without a query (relay mode's purge). */
  cached(orgId: string, thread: string): ConversationRef | undefined {
    return this.refs.get(conversationKey(orgId, thread));
  }

  /** Forgets a thread's conversation, unless it has meanwhile been looked up again as another. */
  forget(orgId: string, thread: string, id?: string): void {
    const key = conversationKey(orgId, thread);
    if (id === undefined || this.refs.get(key)?.id === id) this.refs.delete(key);
  }
}

/** Org and thread ids may both contain `:`; `/` is in neither, so no two pairs share a key. */
function conversationKey(orgId: string, thread: string): string {
  return `${orgId}/${thread}`;
}
