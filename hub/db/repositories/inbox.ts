// The shared inbox as staff query and change it: filtered pages of conversations (keyset
// cursor, sorted by urgency then most recent activity), a count per filter, and the actions
// (claim, assign, close, reopen, mark unread or read) as single conditional statements, so
// concurrent staff on several hubs agree without a lock of their own. Every query is scoped
// to the caller's org.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { HubDatabase } from '../database.js';
import { dialectOf } from '../dialect.js';
import type { Database } from '../tables.js';
import { assign, onClose, onReopen, type Assignee } from '../../domain/conversation-state.js';

/** Who is asking: the staff member and the lists (teams) they are in. */
export interface Viewer {
  orgId: string;
  staffId: string;
  lists: readonly string[];
}

export interface InboxFilter {
  /** Open (the default), closed (History), or either. */
  status?: 'open' | 'closed' | 'any';
  unread?: boolean;
  /** The patient spoke last. */
  unresponded?: boolean;
  /** Assigned to me or to a list I am in. */
  mine?: boolean;
  unassigned?: boolean;
  /** Assigned to this list. */
  list?: string;
  /** I am mentioned in a note not yet dismissed. */
  mentions?: boolean;
  /** The patient's location. */
  location?: string;
  /** Only these conversations (a search's hits). */
  ids?: readonly string[];
}

export interface InboxRow {
  id: string;
  patient_external_id: string;
  patient_name: string;
  location_id: string | null;
  opted_out_at: number | null;
  status: 'open' | 'closed';
  assignee_staff_id: string | null;
  assignee_list_id: string | null;
  claimed_by_staff_id: string | null;
  claimed_at: number | null;
  urgency: number;
  visit: string | null;
  ended_visit: string | null;
  last_author_kind: 'patient' | 'staff' | 'system' | null;
  last_preview: string | null;
  last_message_at: number | null;
  last_seq: number;
  last_inbound_seq: number | null;
  closed_at: number | null;
  legal_hold: number;
  created_at: number;
  read_seq: number | null;
  marked_unread: number | null;
  open_mentions: number;
}

/** Where the next page starts: the last row's sort key. */
export interface InboxCursor {
  urgency: number;
  at: number;
  id: string;
}

type Query = SelectQueryBuilder<Database, 'conversations' | 'patients' | 'read_cursors', object>;

/**
 * `column`, hidden from SQLite's choice of index (a unary +; PostgreSQL plans on statistics and
 * needs no hint). A page of a few known conversations (a search's hits, my mentions) is read by
 * id; without the hint SQLite walks the org's whole inbox index for its sort order instead.
 */
function unindexed(db: HubDatabase, column: 'conversations.org_id' | 'conversations.status') {
  return dialectOf(db) === 'sqlite' ? sql<string>`+${sql.ref(column)}` : sql<string>`${sql.ref(column)}`;
}

function base(db: HubDatabase, viewer: Viewer, byId = false) {
  return db
    .selectFrom('conversations')
    .innerJoin('patients', 'patients.id', 'conversations.patient_id')
    .leftJoin('read_cursors', (join) =>
      join
        .onRef('read_cursors.conversation_id', '=', 'conversations.id')
        .on('read_cursors.participant_kind', '=', 'staff')
        .on('read_cursors.participant_id', '=', viewer.staffId),
    )
    .where(byId ? unindexed(db, 'conversations.org_id') : sql.ref('conversations.org_id'), '=', viewer.orgId);
}

const unreadExpr = (eb: ExpressionBuilder<Database & { read_cursors: Database['read_cursors'] }, 'conversations' | 'read_cursors'>) =>
  eb.or([
    eb('read_cursors.marked_unread', '=', 1),
    eb(eb.fn.coalesce('conversations.last_inbound_seq', eb.val(0)), '>', eb.fn.coalesce('read_cursors.read_seq', eb.val(0))),
  ]);

/**
 * The viewer's open mentions as the set of their conversations (not a check per conversation):
 * a staff member has few, so the page is read from them rather than from every open conversation.
 */
function mentionedExpr(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'conversations'>) =>
    eb(
      'conversations.id',
      'in',
      eb
        .selectFrom('mentions')
        .select('mentions.conversation_id')
        .where('mentions.org_id', '=', viewer.orgId)
        .where('mentions.staff_id', '=', viewer.staffId)
        .where('mentions.dismissed_at', 'is', null),
    );
}

/** The filter names a few conversations (by id, or as my mentions): read them by id. */
const byId = (filter: InboxFilter) => Boolean(filter.ids || filter.mentions);

function filtered(db: HubDatabase, query: Query, viewer: Viewer, filter: InboxFilter): Query {
  const status = filter.status ?? 'open';
  let q = status === 'any' ? query : query.where(byId(filter) ? unindexed(db, 'conversations.status') : sql.ref('conversations.status'), '=', status);
  if (filter.unread) q = q.where((eb) => unreadExpr(eb as never));
  if (filter.unresponded) q = q.where('conversations.last_author_kind', '=', 'patient');
  if (filter.mine) {
    q = q.where((eb) =>
      eb.or([
        eb('conversations.assignee_staff_id', '=', viewer.staffId),
        ...(viewer.lists.length ? [eb('conversations.assignee_list_id', 'in', [...viewer.lists])] : []),
      ]),
    );
  }
  if (filter.unassigned) q = q.where('conversations.assignee_staff_id', 'is', null).where('conversations.assignee_list_id', 'is', null);
  if (filter.list) q = q.where('conversations.assignee_list_id', '=', filter.list);
  if (filter.location) q = q.where('patients.location_id', '=', filter.location);
  if (filter.mentions) q = q.where((eb) => mentionedExpr(viewer)(eb as never));
  if (filter.ids) q = filter.ids.length ? q.where('conversations.id', 'in', [...filter.ids]) : q.where(sql<boolean>`1 = 0`);
  return q;
}

/** One page of the inbox, most urgent first, then most recent; `next` continues after its last row. */
export async function inboxPage(
  db: HubDatabase,
  viewer: Viewer,
  filter: InboxFilter,
  limit: number,
  after?: InboxCursor,
): Promise<{ rows: InboxRow[]; next?: InboxCursor }> {
  let q = filtered(db, base(db, viewer, byId(filter)) as unknown as Query, viewer, filter);
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('conversations.urgency', '<', after.urgency),
        eb.and([
          eb('conversations.urgency', '=', after.urgency),
          eb.or([
            eb('conversations.last_message_at', '<', after.at),
            eb.and([eb('conversations.last_message_at', '=', after.at), eb('conversations.id', '<', after.id)]),
          ]),
        ]),
      ]),
    );
  }
  const rows = (await q
    .select([
      'conversations.id',
      'patients.external_id as patient_external_id',
      'patients.name as patient_name',
      'patients.location_id',
      'patients.opted_out_at',
      'conversations.status',
      'conversations.assignee_staff_id',
      'conversations.assignee_list_id',
      'conversations.claimed_by_staff_id',
      'conversations.claimed_at',
      'conversations.urgency',
      'conversations.visit',
      'conversations.ended_visit',
      'conversations.last_author_kind',
      'conversations.last_preview',
      'conversations.last_message_at',
      'conversations.last_seq',
      'conversations.last_inbound_seq',
      'conversations.closed_at',
      'conversations.legal_hold',
      'conversations.created_at',
      'read_cursors.read_seq',
      'read_cursors.marked_unread',
    ])
    .select((eb) =>
      eb
        .selectFrom('mentions')
        .select((m) => m.fn.countAll().as('n'))
        .whereRef('mentions.conversation_id', '=', 'conversations.id')
        .where('mentions.staff_id', '=', viewer.staffId)
        .where('mentions.dismissed_at', 'is', null)
        .as('open_mentions'),
    )
    .orderBy('conversations.urgency', 'desc')
    .orderBy('conversations.last_message_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(limit + 1)
    .execute()) as unknown as InboxRow[];
  const more = rows.length > limit;
  const page = rows.slice(0, limit).map(normalize);
  const last = page.at(-1);
  return { rows: page, ...(more && last ? { next: { urgency: last.urgency, at: Number(last.last_message_at ?? 0), id: last.id } } : {}) };
}

/** One conversation as an inbox row for this viewer (what a live inbox frame carries), if it is in the viewer's org. */
export async function inboxRow(db: HubDatabase, viewer: Viewer, id: string): Promise<InboxRow | undefined> {
  return (await inboxPage(db, viewer, { status: 'any', ids: [id] }, 1)).rows[0];
}

export type InboxCounts = Record<'open' | 'unread' | 'unresponded' | 'mine' | 'unassigned' | 'mentions' | 'closed', number> & {
  lists: Record<string, number>;
  /** Open conversations per patient location (only locations that have some). */
  locations: Record<string, number>;
};

/**
 * How many open conversations each filter holds (and how many are closed): one pass over the
 * open ones, grouped by list (so the per-list counts come with it), and the closed ones
 * counted from the inbox index alone.
 */
export async function inboxCounts(db: HubDatabase, viewer: Viewer): Promise<InboxCounts> {
  const asNumber = (sum: unknown) => Number(sum ?? 0);
  // No join with patients: every conversation has its patient (a foreign key, deleted with it).
  const groups = await db
    .selectFrom('conversations')
    .leftJoin('read_cursors', (join) =>
      join
        .onRef('read_cursors.conversation_id', '=', 'conversations.id')
        .on('read_cursors.participant_kind', '=', 'staff')
        .on('read_cursors.participant_id', '=', viewer.staffId),
    )
    .select((eb) => [
      'conversations.assignee_list_id',
      eb.fn.countAll().as('open'),
      eb.fn
        .sum(sql<number>`case when read_cursors.marked_unread = 1 or coalesce(conversations.last_inbound_seq, 0) > coalesce(read_cursors.read_seq, 0) then 1 else 0 end`)
        .as('unread'),
      eb.fn.sum(sql<number>`case when conversations.last_author_kind = 'patient' then 1 else 0 end`).as('unresponded'),
      eb.fn
        .sum(
          viewer.lists.length
            ? sql<number>`case when conversations.assignee_staff_id = ${viewer.staffId} or conversations.assignee_list_id in (${sql.join([...viewer.lists])}) then 1 else 0 end`
            : sql<number>`case when conversations.assignee_staff_id = ${viewer.staffId} then 1 else 0 end`,
        )
        .as('mine'),
      eb.fn.sum(sql<number>`case when conversations.assignee_staff_id is null and conversations.assignee_list_id is null then 1 else 0 end`).as('unassigned'),
    ])
    .where('conversations.org_id', '=', viewer.orgId)
    .where('conversations.status', '=', 'open')
    .groupBy('conversations.assignee_list_id')
    .execute();
  const closed = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('org_id', '=', viewer.orgId)
    .where('status', '=', 'closed')
    .executeTakeFirstOrThrow();
  const mentions = await db
    .selectFrom('mentions')
    .innerJoin('conversations', 'conversations.id', 'mentions.conversation_id')
    .select((eb) => eb.fn.count<number>('mentions.conversation_id').distinct().as('n'))
    .where('mentions.org_id', '=', viewer.orgId)
    .where('mentions.staff_id', '=', viewer.staffId)
    .where('mentions.dismissed_at', 'is', null)
    .where('conversations.status', '=', 'open')
    .executeTakeFirstOrThrow();
  // Per location only where the org has locations: it reads the patients, which the rest need not.
  const hasLocations = await db.selectFrom('locations').select('id').where('org_id', '=', viewer.orgId).limit(1).executeTakeFirst();
  const byLocation = hasLocations
    ? await db
        .selectFrom('conversations')
        .innerJoin('patients', 'patients.id', 'conversations.patient_id')
        .select((eb) => ['patients.location_id', eb.fn.countAll().as('n')])
        .where('conversations.org_id', '=', viewer.orgId)
        .where('conversations.status', '=', 'open')
        .where('patients.location_id', 'is not', null)
        .groupBy('patients.location_id')
        .execute()
    : [];
  const total = (key: 'open' | 'unread' | 'unresponded' | 'mine' | 'unassigned') => groups.reduce((sum, g) => sum + asNumber(g[key]), 0);
  return {
    open: total('open'),
    closed: asNumber(closed.n),
    unread: total('unread'),
    unresponded: total('unresponded'),
    mine: total('mine'),
    unassigned: total('unassigned'),
    mentions: Number(mentions.n),
    lists: Object.fromEntries(groups.filter((g) => g.assignee_list_id != null).map((g) => [g.assignee_list_id!, asNumber(g.open)])),
    locations: Object.fromEntries(byLocation.map((g) => [g.location_id!, asNumber(g.n)])),
  };
}

export type ClaimResult = { ok: true } | { ok: false; claimedBy: string } | { ok: false; notFound: true };

/**
 * Claims a conversation for one staff member: one conditional update, so of any number of
 * concurrent claimers (on any hub) exactly one wins; the others are told who did.
 */
export async function claimConversation(db: HubDatabase, orgId: string, id: string, staffId: string, now = Date.now()): Promise<ClaimResult> {
  const result = await db
    .updateTable('conversations')
    .set({ claimed_by_staff_id: staffId, claimed_at: now, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('claimed_by_staff_id', 'is', null), eb('claimed_by_staff_id', '=', staffId)]))
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return { ok: true };
  const row = await db.selectFrom('conversations').select(['claimed_by_staff_id', 'status']).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) return { ok: false, notFound: true };
  return row.claimed_by_staff_id ? { ok: false, claimedBy: row.claimed_by_staff_id } : { ok: false, notFound: true };
}

/** Gives the claim up (only its holder can). */
export async function releaseClaim(db: HubDatabase, orgId: string, id: string, staffId: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ claimed_by_staff_id: null, claimed_at: null, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('claimed_by_staff_id', '=', staffId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Assigns to a person or a list of the same org, or to nobody; false if the conversation or the assignee is not the org's. */
export async function assignConversation(db: HubDatabase, orgId: string, id: string, to: Assignee, now = Date.now()): Promise<boolean> {
  if (to.kind === 'staff') {
    const staff = await db.selectFrom('staff').select('id').where('org_id', '=', orgId).where('id', '=', to.id).executeTakeFirst();
    if (!staff) return false;
  }
  if (to.kind === 'list') {
    const list = await db.selectFrom('lists').select('id').where('org_id', '=', orgId).where('id', '=', to.id).executeTakeFirst();
    if (!list) return false;
  }
  const result = await db
    .updateTable('conversations')
    .set({ ...assign(to), updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function closeConversation(db: HubDatabase, orgId: string, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable('conversations').set({ ...onClose(now), updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function reopenConversation(db: HubDatabase, orgId: string, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable('conversations').set({ ...onReopen(), updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Urgent conversations sort first in every list (urgency 1), others by activity (0). */
export async function setUrgency(db: HubDatabase, orgId: string, id: string, urgent: boolean, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable('conversations').set({ urgency: urgent ? 1 : 0, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Mark unread (for this staff member only), or read up to the conversation's last message. */
export async function setUnread(db: HubDatabase, conversationId: string, staffId: string, unread: boolean, lastSeq: number, now = Date.now()): Promise<void> {
  const larger = dialectOf(db) === 'postgres' ? 'greatest' : 'max';
  await db
    .insertInto('read_cursors')
    .values({
      conversation_id: conversationId,
      participant_kind: 'staff',
      participant_id: staffId,
      delivered_seq: unread ? 0 : lastSeq,
      read_seq: unread ? 0 : lastSeq,
      marked_unread: unread ? 1 : 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['conversation_id', 'participant_kind', 'participant_id']).doUpdateSet((eb) => ({
        marked_unread: unread ? 1 : 0,
        ...(unread
          ? {}
          : {
              read_seq: eb.fn(larger, [eb.ref('read_cursors.read_seq'), eb.val(lastSeq)]),
              delivered_seq: eb.fn(larger, [eb.ref('read_cursors.delivered_seq'), eb.val(lastSeq)]),
            }),
        updated_at: now,
      })),
    )
    .execute();
}

/** The ids of the lists a staff member is in: their memberships, and the lists their token names. */
export async function listsOf(db: HubDatabase, orgId: string, staffId: string, tokenLists: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('lists')
    .leftJoin('list_members', (join) => join.onRef('list_members.list_id', '=', 'lists.id').on('list_members.staff_id', '=', staffId))
    .select('lists.id')
    .where('lists.org_id', '=', orgId)
    .where((eb) => eb.or([eb('list_members.staff_id', '=', staffId), ...(tokenLists.length ? [eb('lists.name', 'in', [...tokenLists])] : [])]))
    .execute();
  return [...new Set(rows.map((r) => r.id))];
}

function normalize(row: InboxRow): InboxRow {
  return {
    ...row,
    urgency: Number(row.urgency),
    last_seq: Number(row.last_seq),
    last_inbound_seq: row.last_inbound_seq == null ? null : Number(row.last_inbound_seq),
    last_message_at: row.last_message_at == null ? null : Number(row.last_message_at),
    claimed_at: row.claimed_at == null ? null : Number(row.claimed_at),
    closed_at: row.closed_at == null ? null : Number(row.closed_at),
    created_at: Number(row.created_at),
    read_seq: row.read_seq == null ? null : Number(row.read_seq),
    marked_unread: row.marked_unread == null ? null : Number(row.marked_unread),
    open_mentions: Number(row.open_mentions ?? 0),
  };
}
