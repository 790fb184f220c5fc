// /v1/inbox: the shared inbox for staff. Pages of conversations under combinable filters
// (keyset cursor), counts per filter, the directory of staff and lists, and the actions:
// claim, assign, close, reopen, mark unread/read, notes with @mentions, and the Mentions list.
// Every action is audited (ids only, never bodies) and reaches every staff socket of the org
// live. Patients get 403 for all of it.
import { Hono } from 'hono';
import {
  AssignBody,
  InboxQuery,
  NoteBody,
  UnreadBody,
  UrgencyBody,
  type ClaimResponse,
  type DirectoryResponse,
  type InboxCountsResponse,
  type InboxPageResponse,
  type Note,
} from '../../protocol/inbox.js';
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import {
  assignConversation,
  claimConversation,
  inboxCounts,
  inboxPage,
  inboxRow,
  listsOf,
  releaseClaim,
  reopenConversation,
  setUnread,
  setUrgency,
  type Viewer,
} from '../db/repositories/inbox.js';
import { addNote, dismissMention, mentionsOf, notesOf } from '../db/repositories/notes.js';
import { getStaff, listLocations, listStaff, listsWithMembers } from '../db/repositories/people.js';
import type { Note as NoteRow } from '../db/tables.js';
import { closeAs } from '../domain/closing.js';
import type { EventInput } from '../db/repositories/events.js';
import { Timeline, assignKind, assigneeWho, staffWho } from '../domain/timeline.js';
import { decodeCursor, encodeCursor, inboxEntry } from '../domain/inbox-items.js';
import { optOut } from '../domain/opt-out.js';
import type { UserEnv } from '../http/auth.js';
import { conversationOf, staffWith } from '../http/staff.js';
import { httpError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import type { InboxLive } from '../realtime/inbox-live.js';
import { searchConversations } from '../db/repositories/search.js';

const DEFAULT_PAGE = 50;

export function noteJson(note: NoteRow, mentioned: readonly string[]): Note {
  return {
    id: note.id,
    conversation: note.conversation_id,
    clientId: note.client_id,
    author: { id: note.author_staff_id, name: note.author_name },
    text: note.body,
    at: Number(note.created_at),
    mentions: [...mentioned],
  };
}

export function inboxApp(ctx: HubContext, live: InboxLive) {
  const timeline = new Timeline(ctx.db, live);
  const viewerOf = async (identity: Identity): Promise<Viewer> => ({
    orgId: identity.orgId,
    staffId: identity.id,
    lists: await listsOf(ctx.db, identity.orgId, identity.id, identity.lists),
  });
  /** Audits the action, records its event in the timeline, and tells every staff screen. */
  const act = async (identity: Identity, action: string, conversationId: string, event: Pick<EventInput, 'kind' | 'fields'> | undefined, detail?: Record<string, string | number | boolean>) => {
    await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action, subject: { type: 'conversation', id: conversationId }, ...(detail && { detail }) });
    if (event) await timeline.record({ orgId: identity.orgId, conversationId, by: staffWho(identity), ...event });
    await live.changed(identity.orgId, conversationId);
  };

  return new Hono<UserEnv>()
    .get('/', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const query = parseQuery(c, InboxQuery);
      const after = query.after === undefined ? undefined : decodeCursor(query.after);
      if (query.after !== undefined && !after) throw httpError(400, 'invalid', 'after is not a cursor this inbox gave out');
      const viewer = await viewerOf(identity);
      const hits = query.q ? await searchConversations(ctx.db, identity.orgId, query.q) : undefined;
      const filter = {
        ...(query.status && { status: query.status }),
        ...(query.unread && { unread: true }),
        ...(query.unresponded && { unresponded: true }),
        ...(query.mine && { mine: true }),
        ...(query.unassigned && { unassigned: true }),
        ...(query.mentions && { mentions: true }),
        ...(query.list && { list: query.list }),
        ...(query.location && { location: query.location }),
        ...(hits && { ids: [...hits.keys()] }),
      };
      const page = await inboxPage(ctx.db, viewer, filter, query.limit ?? DEFAULT_PAGE, after);
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'inbox.list', subject: { type: 'org', id: identity.orgId }, detail: { count: page.rows.length, search: Boolean(hits) } });
      const body: InboxPageResponse = {
        conversations: page.rows.map(inboxEntry),
        ...(page.next && { next: encodeCursor(page.next) }),
        ...(hits && { snippets: Object.fromEntries(page.rows.map((r) => [r.id, hits.get(r.id) ?? ''])) }),
      };
      return c.json(body);
    })
    .get('/counts', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const body: InboxCountsResponse = await inboxCounts(ctx.db, await viewerOf(identity));
      return c.json(body);
    })
    .get('/directory', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const [staff, lists, locations] = await Promise.all([listStaff(ctx.db, identity.orgId), listsWithMembers(ctx.db, identity.orgId), listLocations(ctx.db, identity.orgId)]);
      const self = staff.find((s) => s.id === identity.id);
      const body: DirectoryResponse = {
        me: { id: identity.id, role: identity.role, notifyUnassigned: Boolean(self?.notify_unassigned), permissions: [...identity.permissions], displayName: self?.display_name ?? null, location: self?.location_id ?? null },
        staff: staff.map((s) => ({ id: s.id, externalId: s.external_id, name: s.name })),
        lists,
        locations,
      };
      return c.json(body);
    })
    .get('/mentions', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const rows = await mentionsOf(ctx.db, identity.orgId, identity.id, c.req.query('dismissed') === '1');
      return c.json({
        mentions: rows.map((m) => ({
          id: m.id,
          conversation: m.conversation_id,
          thread: m.patient_external_id,
          patient: m.patient_name,
          note: m.note_id,
          by: m.note_author_name,
          text: m.note_body,
          at: Number(m.created_at),
          dismissedAt: m.dismissed_at == null ? null : Number(m.dismissed_at),
        })),
      });
    })
    .post('/mentions/:mention/dismiss', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const mention = await dismissMention(ctx.db, identity.orgId, identity.id, c.req.param('mention'));
      if (!mention) throw httpError(404, 'not-found', 'no such mention');
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'mention.dismiss', subject: { type: 'conversation', id: mention.conversation_id } });
      await live.markChanged(identity.orgId, identity.id, mention.conversation_id);
      return c.json({ dismissed: true });
    })
    .get('/:id', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const conversation = await conversationOf(ctx.db, c, identity);
      const row = await inboxRow(ctx.db, await viewerOf(identity), conversation.id);
      if (!row) throw httpError(404, 'not-found', 'no such conversation');
      return c.json({ conversation: inboxEntry(row) });
    })
    .post('/:id/claim', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      const result = await claimConversation(ctx.db, identity.orgId, conversation.id, identity.id);
      if (!result.ok && 'notFound' in result) throw httpError(409, 'not-allowed', 'a closed conversation cannot be claimed; reopen it first');
      if (!result.ok) {
        const body: ClaimResponse = { claimed: false, by: result.claimedBy };
        return c.json(body, 409);
      }
      await act(identity, 'conversation.claim', conversation.id, { kind: 'claimed' });
      const body: ClaimResponse = { claimed: true, by: identity.id };
      return c.json(body);
    })
    .delete('/:id/claim', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      if (!(await releaseClaim(ctx.db, identity.orgId, conversation.id, identity.id))) throw httpError(409, 'not-allowed', 'only whoever claimed it can release it');
      await act(identity, 'conversation.release', conversation.id, { kind: 'released' });
      return c.json({ released: true });
    })
    .post('/:id/assign', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      const { to } = await parseBody(c, AssignBody);
      if (!(await assignConversation(ctx.db, identity.orgId, conversation.id, to ?? { kind: 'none' }))) throw httpError(404, 'not-found', `no such ${to?.kind === 'list' ? 'list' : 'staff member'}`);
      const before = conversation.assignee_staff_id ? { kind: 'staff' as const, id: conversation.assignee_staff_id } : conversation.assignee_list_id ? { kind: 'list' as const, id: conversation.assignee_list_id } : null;
      const [fromWho, toWho] = await Promise.all([assigneeWho(ctx.db, identity.orgId, before), assigneeWho(ctx.db, identity.orgId, to)]);
      await act(identity, 'conversation.assign', conversation.id, { kind: assignKind(fromWho, toWho), fields: { to: toWho, from: fromWho } }, { to: to ? `${to.kind}:${to.id}` : 'none' });
      return c.json({ assigned: to });
    })
    .post('/:id/close', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      await closeAs(ctx.db, live, identity, conversation);
      return c.json({ status: 'closed' });
    })
    .post('/:id/reopen', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      await reopenConversation(ctx.db, identity.orgId, conversation.id);
      await act(identity, 'conversation.reopen', conversation.id, conversation.status === 'open' ? undefined : { kind: 'reopened' });
      return c.json({ status: 'open' });
    })
    .post('/:id/opt-out', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      await optOut(ctx.db, live, identity, conversation);
      return c.json({ optedOut: true });
    })
    .post('/:id/urgency', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      const { urgent } = await parseBody(c, UrgencyBody);
      await setUrgency(ctx.db, identity.orgId, conversation.id, urgent);
      await act(identity, 'conversation.urgency', conversation.id, Boolean(conversation.urgency) === urgent ? undefined : { kind: 'urgent', fields: { urgent } }, { urgent });
      return c.json({ urgent });
    })
    .post('/:id/unread', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const conversation = await conversationOf(ctx.db, c, identity);
      const { unread } = await parseBody(c, UnreadBody);
      await setUnread(ctx.db, conversation.id, identity.id, unread, Number(conversation.last_seq));
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: unread ? 'conversation.mark-unread' : 'conversation.mark-read', subject: { type: 'conversation', id: conversation.id } });
      await live.markChanged(identity.orgId, identity.id, conversation.id);
      return c.json({ unread });
    })
    .get('/:id/notes', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const conversation = await conversationOf(ctx.db, c, identity);
      const notes = await notesOf(ctx.db, identity.orgId, conversation.id);
      await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'notes.read', subject: { type: 'conversation', id: conversation.id }, detail: { count: notes.length } });
      return c.json({ notes: notes.map((n) => noteJson(n, n.mentioned)) });
    })
    .post('/:id/notes', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const conversation = await conversationOf(ctx.db, c, identity);
      const body = await parseBody(c, NoteBody);
      const author = await getStaff(ctx.db, identity.orgId, identity.id);
      const stored = await addNote(ctx.db, {
        orgId: identity.orgId,
        conversationId: conversation.id,
        authorStaffId: identity.id,
        authorName: author?.name ?? identity.name,
        clientId: body.clientId,
        body: body.text,
        mentions: body.mentions,
      });
      if (!stored) throw httpError(404, 'not-found', 'a mentioned staff member or list is not in this organisation');
      const note = noteJson(stored.note, stored.mentioned);
      if (!stored.duplicate) {
        await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'note.add', subject: { type: 'conversation', id: conversation.id }, detail: { mentions: stored.mentioned.length } });
        live.note(identity.orgId, note);
        for (const staffId of stored.mentioned) await live.markChanged(identity.orgId, staffId, conversation.id);
      }
      return c.json({ note }, stored.duplicate ? 200 : 201);
    });
}
