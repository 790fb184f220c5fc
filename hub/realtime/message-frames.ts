// Stored messages as the frames a socket receives: a message with its attachments' chunks. Used
// for the live fan-out of a new message, for the catch-up on resume, and for a message the
// sequencer waited for in vain (read again from the database).
import { LIMITS, splitChunks, type AttachmentMeta, type OutgoingFrame, type Peer } from '../../protocol/index.js';
import type { HubContext } from '../context.js';
import { attachmentsOf } from '../db/repositories/messages.js';
import { findPatientConversation } from '../db/repositories/conversations.js';
import { messagePage, type MessageWithAuthor } from '../db/repositories/history.js';
import { getPatientByExternalId } from '../db/repositories/people.js';
import { liveItem, type Envelope } from './broker.js';
import type { Attachment, Message } from '../db/tables.js';

export function messageFrames(
  thread: string,
  from: Peer,
  message: Message,
  attachments: readonly Attachment[],
  bytesOf: (a: Attachment) => Uint8Array,
  receipt?: 'delivered' | 'read',
): OutgoingFrame[] {
  const mine = attachments.filter((a) => a.message_id === message.id);
  const frames: OutgoingFrame[] = [
    {
      type: 'message',
      id: message.client_id,
      thread,
      from,
      text: message.body,
      at: Number(message.sent_at),
      clock: Number(message.seq),
      seq: Number(message.seq),
      ...(receipt ? { receipt } : {}),
      ...(mine.length ? { attachments: mine.map((a) => ({ id: a.client_id, name: a.name, mime: a.mime as AttachmentMeta['mime'], size: Number(a.size) })) } : {}),
    },
  ];
  for (const a of mine) {
    const parts = splitChunks(bytesOf(a), LIMITS.chunkBytes);
    parts.forEach((data, index) => frames.push({ type: 'chunk', from: from.id, thread, message: message.client_id, attachment: a.client_id, index, count: parts.length, data }));
  }
  return frames;
}

/** Each stored message's frames, in the order given, with the bytes of its attachments read from the blob store. */
export async function storedMessageFrames(
  ctx: HubContext,
  orgId: string,
  thread: string,
  messages: readonly MessageWithAuthor[],
  receiptOf: (message: Message) => 'delivered' | 'read' | undefined = () => undefined,
): Promise<OutgoingFrame[][]> {
  const attachments = await attachmentsOf(ctx.db, orgId, messages.map((m) => m.id));
  const bytes = new Map<string, Uint8Array>();
  for (const a of attachments) {
    const stored = await ctx.blobs.get(a.storage_key);
    if (stored) bytes.set(a.id, stored);
    else ctx.log.error({ org: orgId, attachment: a.id }, 'attachment file missing; left out of the replay');
  }
  // An attachment whose file is gone is left out rather than announced with no bytes to follow.
  const available = attachments.filter((a) => bytes.has(a.id));
  return messages.map((message) => {
    const from: Peer = { id: message.author_external_id ?? message.author_id, name: message.author_name, role: message.author_kind === 'patient' ? 'patient' : 'provider' };
    return messageFrames(thread, from, message, available, (a) => bytes.get(a.id)!, receiptOf(message));
  });
}

/** Messages the sequencer waited for in vain (their hub died between commit and publish), read from the database. */
export async function storedEnvelopes(ctx: HubContext, orgId: string, thread: string, afterSeq: number, upTo: number): Promise<Envelope[]> {
  const patient = await getPatientByExternalId(ctx.db, orgId, thread);
  const conversation = patient && (await findPatientConversation(ctx.db, orgId, patient.id));
  if (!conversation) return [];
  const messages = await messagePage(ctx.db, orgId, conversation.id, afterSeq, upTo - afterSeq);
  const frames = await storedMessageFrames(ctx, orgId, thread, messages);
  return frames.map((f): Envelope => ({ org: orgId, route: { to: 'thread', thread }, item: liveItem(f) }));
}
