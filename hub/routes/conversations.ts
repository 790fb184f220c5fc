// /v1/conversations: the caller's conversations (staff: the org's; a patient: their own) and
// each conversation's history, a page at a time.
import { Hono } from 'hono';
import { ConversationsQuery, MessagesQuery, REST_LIMITS, type ConversationSummary, type HistoryAttachment, type HistoryMessage, type MessagesPage } from '../../protocol/rest.js';
import type { HubContext } from '../context.js';
import { listConversations } from '../db/repositories/conversations.js';
import { messagePage } from '../db/repositories/history.js';
import { attachmentsOf } from '../db/repositories/messages.js';
import { auditStaffRead, requireReader, visibleConversation } from '../domain/access.js';
import type { UserEnv } from '../http/auth.js';
import { httpError } from '../http/errors.js';
import { parseQuery } from '../http/validate.js';

type ConversationRow = Awaited<ReturnType<typeof listConversations>>[number];

function summaryJson(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    patient: { id: row.patient_external_id, name: row.patient_name },
    status: row.status,
    visit: row.visit,
    urgency: row.urgency,
    lastSeq: Number(row.last_seq),
    lastInboundAt: row.last_inbound_at,
    lastOutboundAt: row.last_outbound_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function conversationsApp(ctx: HubContext) {
  return new Hono<UserEnv>()
    .get('/', async (c) => {
      const identity = c.get('identity');
      requireReader(identity);
      const query = parseQuery(c, ConversationsQuery);
      const rows = await listConversations(ctx.db, identity.orgId, {
        ...(query.status && { status: query.status }),
        ...(identity.kind === 'patient' && { patientId: identity.id }),
        limit: query.limit ?? 100,
      });
      await auditStaffRead(ctx.db, identity, 'conversation.list', { type: 'org', id: identity.orgId }, { count: rows.length, ...(query.status && { status: query.status }) });
      return c.json({ conversations: rows.map(summaryJson) });
    })
    .get('/:id/messages', async (c) => {
      const identity = c.get('identity');
      requireReader(identity);
      const conversation = await visibleConversation(ctx.db, identity, c.req.param('id'));
      if (!conversation) throw httpError(404, 'not-found', 'no such conversation');
      const { after = 0, limit = 100 } = parseQuery(c, MessagesQuery);
      const rows = await messagePage(ctx.db, identity.orgId, conversation.id, after, Math.min(limit, REST_LIMITS.pageMessages));
      const attachments = await attachmentsOf(ctx.db, identity.orgId, rows.map((m) => m.id));
      const byMessage = new Map<string, HistoryAttachment[]>();
      for (const a of attachments) {
        const list = byMessage.get(a.message_id) ?? [];
        list.push({ id: a.id, name: a.name, mime: a.mime, size: Number(a.size) });
        byMessage.set(a.message_id, list);
      }
      const messages: HistoryMessage[] = rows.map((m) => ({
        id: m.id,
        clientId: m.client_id,
        seq: Number(m.seq),
        author: { kind: m.author_kind, id: m.author_external_id ?? m.author_id, name: m.author_name },
        body: m.body,
        sentAt: m.sent_at,
        attachments: byMessage.get(m.id) ?? [],
      }));
      await auditStaffRead(ctx.db, identity, 'messages.read', { type: 'conversation', id: conversation.id }, { after, count: messages.length });
      const page: MessagesPage = { messages, lastSeq: Number(conversation.last_seq) };
      return c.json(page);
    });
}
