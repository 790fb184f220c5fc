// Merging two patient records that are the same person: everything of the duplicate (its
// conversations with their messages, read cursors and timeline, and its audit entries) moves
// to the record that stays, in one transaction. A patient has one chat, so when both had one,
// the duplicate's messages join the survivor's after its own (appendChat). The duplicate stays
// as a row that says where it went (`merged_into`): never searched or merged again, and its
// shared contact is left. Audited on both records, and a `merged` event in each conversation that moved and in the
// surviving record's own chat.
import type { HubDatabase } from '../db/database.js';
import { addEvent } from '../db/repositories/events.js';
import type { Identity } from '../auth/identity.js';
import type { InboxLive } from '../realtime/inbox-live.js';
import { staffWho } from './timeline.js';

export type MergeOutcome = { ok: true; conversations: string[] } | { ok: false; reason: 'not-found' | 'same' };

class MergeRefused extends Error {
  constructor(readonly reason: 'not-found') {
    super(reason);
  }
}

export async function mergePatients(
  db: HubDatabase,
  live: Pick<InboxLive, 'event' | 'changed'>,
  identity: Identity,
  duplicateId: string,
  survivorId: string,
  now = Date.now(),
): Promise<MergeOutcome> {
  if (duplicateId === survivorId) return { ok: false, reason: 'same' };
  const orgId = identity.orgId;
  let result;
  try {
    result = await db.transaction().execute(async (trx) => {
    // Both rows are claimed first, in id order, each only while it is not merged: two merges of
    // the same records at once (A into B and B into A, say) cannot both pass, nor deadlock.
    for (const id of [duplicateId, survivorId].sort()) {
      const claimed = await trx
        .updateTable('patients')
        .set(id === duplicateId ? { merged_into: survivorId } : { merged_into: null })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('merged_into', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) throw new MergeRefused('not-found');
    }
    const rows = await trx.selectFrom('patients').select(['id', 'name', 'contact_id', 'opted_out_at']).where('org_id', '=', orgId).where('id', 'in', [duplicateId, survivorId]).execute();
    const duplicate = rows.find((r) => r.id === duplicateId)!;
    const survivor = rows.find((r) => r.id === survivorId)!;
    const chats = await trx.selectFrom('conversations').select(['id', 'patient_id']).where('org_id', '=', orgId).where('patient_id', 'in', [duplicateId, survivorId]).where('channel', '=', 'chat').execute();
    // One chat per patient: when both have one, the duplicate's messages join the survivor's,
    // after its own (appendChat); the emptied chat stays the duplicate's, closed.
    const survivorsOwn = chats.find((c) => c.patient_id === survivorId);
    const duplicatesOwn = chats.find((c) => c.patient_id === duplicateId);
    const joined = survivorsOwn && duplicatesOwn ? await appendChat(trx, orgId, duplicatesOwn.id, survivorsOwn.id, now) : undefined;
    const moved = (await trx.selectFrom('conversations').select('id').where('org_id', '=', orgId).where('patient_id', '=', duplicateId).execute())
      .map((c) => c.id)
      .filter((id) => id !== duplicatesOwn?.id || !joined);
    const survivorChat = survivorsOwn ?? (moved.length ? { id: moved[0]! } : undefined);
    // An opt-out is the person's: it stays with them whichever record survives.
    const optedOut = [duplicate.opted_out_at, survivor.opted_out_at].filter((t): t is number => t != null);
    if (optedOut.length) await trx.updateTable('patients').set({ opted_out_at: Math.min(...optedOut.map(Number)) }).where('id', '=', survivorId).execute();
    if (moved.length) await trx.updateTable('conversations').set({ patient_id: survivorId }).where('org_id', '=', orgId).where('id', 'in', moved).execute();
    // The messages joined into the survivor's chat were the duplicate's too.
    const authored = [...moved, ...(joined ? [survivorsOwn!.id] : [])];
    if (authored.length) {
      await trx.updateTable('messages').set({ author_id: survivorId }).where('conversation_id', 'in', authored).where('author_kind', '=', 'patient').where('author_id', '=', duplicateId).execute();
      if (moved.length) await trx.updateTable('read_cursors').set({ participant_id: survivorId }).where('conversation_id', 'in', moved).where('participant_kind', '=', 'patient').where('participant_id', '=', duplicateId).execute();
      await trx.updateTable('events').set({ actor_id: survivorId }).where('conversation_id', 'in', authored).where('actor_kind', '=', 'patient').where('actor_id', '=', duplicateId).execute();
    }
    await trx.updateTable('audit_log').set({ subject_id: survivorId }).where('org_id', '=', orgId).where('subject_type', '=', 'patient').where('subject_id', '=', duplicateId).execute();
    await trx.updateTable('audit_log').set({ actor_id: survivorId }).where('org_id', '=', orgId).where('actor_kind', '=', 'patient').where('actor_id', '=', duplicateId).execute();
    await trx.updateTable('patients').set({ contact_id: null }).where('id', '=', duplicateId).execute();
    if (duplicate.contact_id) {
      const contact = await trx.selectFrom('contacts').select('primary_patient_id').where('id', '=', duplicate.contact_id).executeTakeFirst();
      if (contact?.primary_patient_id === duplicateId) {
        const next = await trx.selectFrom('patients').select('id').where('contact_id', '=', duplicate.contact_id).where('merged_into', 'is', null).orderBy('created_at').orderBy('id').executeTakeFirst();
        await trx.updateTable('contacts').set({ primary_patient_id: next?.id ?? null }).where('id', '=', duplicate.contact_id).execute();
      }
    }
    const audit = { org_id: orgId, actor_kind: 'staff' as const, actor_id: identity.id, at: now };
    const movedCount = moved.length + (joined ? 1 : 0);
    await trx.insertInto('audit_log').values([
      { ...audit, action: 'patient.merge', subject_type: 'patient', subject_id: survivorId, detail: JSON.stringify({ merged: duplicateId, conversations: movedCount, ...(joined && { joinedMessages: joined }) }) },
      { ...audit, action: 'patient.merged-into', subject_type: 'patient', subject_id: duplicateId, detail: JSON.stringify({ into: survivorId }) },
    ]).execute();
    const events = [];
    for (const conversationId of new Set([...moved, ...(survivorChat ? [survivorChat.id] : [])])) {
      events.push((await addEvent(trx, { orgId, conversationId, kind: 'merged', by: staffWho(identity), fields: { merged: { name: duplicate.name } }, sourceId: `merged:${duplicateId}:${conversationId}`, at: now }, now)).event);
    }
    return { moved, events, touched: [...new Set([...moved, ...(survivorChat ? [survivorChat.id] : [])])] };
    });
  } catch (error) {
    if (error instanceof MergeRefused) return { ok: false, reason: error.reason };
    throw error;
  }
  for (const event of result.events) live.event(orgId, event);
  for (const id of result.touched) await live.changed(orgId, id);
  return { ok: true, conversations: result.moved };
}

/**
 * Joins one chat's messages into another's, after its own: their seqs go on from the survivor's
 * last (a patient's page that had seen the survivor's chat gets them as history it missed, the
 * hub's sequencer fills the gap for live screens). Notes, mentions, attachments and events move
 * with them; the emptied chat keeps its row, closed, for a socket of the merged record that a hub
 * still routes to it. Returns how many messages were joined.
 */
async function appendChat(trx: HubDatabase, orgId: string, fromId: string, intoId: string, now: number): Promise<number> {
  const rows = await trx.selectFrom('conversations').selectAll().where('org_id', '=', orgId).where('id', 'in', [fromId, intoId]).execute();
  const from = rows.find((r) => r.id === fromId)!;
  const into = rows.find((r) => r.id === intoId)!;
  const offset = Number(into.last_seq);
  const moved = await trx
    .updateTable('messages')
    .set((eb) => ({ conversation_id: intoId, seq: eb('seq', '+', offset) }))
    .where('org_id', '=', orgId)
    .where('conversation_id', '=', fromId)
    .executeTakeFirst();
  for (const table of ['attachments', 'notes', 'mentions', 'events'] as const) {
    await trx.updateTable(table).set({ conversation_id: intoId }).where('org_id', '=', orgId).where('conversation_id', '=', fromId).execute();
  }
  await trx.deleteFrom('read_cursors').where('conversation_id', '=', fromId).execute();
  await trx.deleteFrom('display_names').where('conversation_id', '=', fromId).execute();
  const later = Number(from.last_message_at ?? 0) > Number(into.last_message_at ?? 0);
  const latest = (a: number | null, b: number | null) => (a == null ? b : b == null ? a : Math.max(Number(a), Number(b)));
  await trx
    .updateTable('conversations')
    .set({
      last_seq: offset + Number(from.last_seq),
      last_inbound_at: latest(into.last_inbound_at, from.last_inbound_at),
      last_outbound_at: latest(into.last_outbound_at, from.last_outbound_at),
      last_inbound_seq: from.last_inbound_seq != null ? offset + Number(from.last_inbound_seq) : into.last_inbound_seq,
      ...(later && { last_message_at: from.last_message_at, last_preview: from.last_preview, last_author_kind: from.last_author_kind }),
      ...(from.status === 'open' && into.status === 'closed' && { status: 'open' as const, closed_at: null }),
      updated_at: now,
    })
    .where('id', '=', intoId)
    .execute();
  await trx
    .updateTable('conversations')
    .set({ status: 'closed', closed_at: now, claimed_by_staff_id: null, claimed_at: null, last_preview: null, last_author_kind: null, last_message_at: null, last_inbound_seq: null, updated_at: now })
    .where('id', '=', fromId)
    .execute();
  return Number(moved.numUpdatedRows);
}
