// The shared inbox on the wire (persistent mode, staff only): a conversation as the inbox shows
// it, the live frames that keep every staff client current, and the REST bodies of the inbox
// actions. Patients never receive any of these.
import * as v from 'valibot';
import { LIMITS } from './limits.js';
import { IdSchema, TimeSchema, Version } from './primitives.js';
import type { Permission } from './permissions.js';
import { isTimeZone } from './transcript.js';

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Name = v.pipe(v.string(), v.maxLength(LIMITS.nameChars));

export const AssigneeSchema = v.object({ kind: v.picklist(['staff', 'list']), id: IdSchema });

/** A conversation as every staff member of the org sees it (what differs per person is in `InboxMark`). */
export const InboxItemSchema = v.object({
  id: IdSchema,
  /** The patient's thread id (their external id), as the chat widget names it. */
  thread: IdSchema,
  patient: v.object({ name: Name, location: v.nullable(IdSchema) }),
  status: v.picklist(['open', 'closed']),
  assignee: v.nullable(AssigneeSchema),
  /** The staff member (id) handling it, if someone claimed it. */
  claimedBy: v.nullable(IdSchema),
  urgency: v.pipe(v.number(), v.integer()),
  /** The chat of the current visit has ended: no more sending in it. */
  ended: v.boolean(),
  /** When the patient opted out of messages (permanent): staff replies are refused with `opted-out`. */
  optedOutAt: v.nullable(TimeSchema),
  lastAuthor: v.nullable(v.picklist(['patient', 'staff', 'system'])),
  preview: v.nullable(v.pipe(v.string(), v.maxLength(200))),
  lastMessageAt: v.nullable(TimeSchema),
  lastSeq: Count,
  /** The seq of the patient's last message: unread for whoever has read less. */
  lastInboundSeq: Count,
  closedAt: v.nullable(TimeSchema),
  /** On legal hold: the retention purge keeps it whatever the org's retention says. */
  legalHold: v.boolean(),
  createdAt: TimeSchema,
});

/** What one staff member's inbox knows of a conversation beyond the shared state. */
export const InboxMarkSchema = v.object({
  readSeq: Count,
  markedUnread: v.boolean(),
  /** Mentions of this staff member in the conversation's notes not yet dismissed. */
  mentions: Count,
});

export const MentionTargetSchema = v.object({ kind: v.picklist(['staff', 'list']), id: IdSchema });

/** A staff-only note in a conversation's timeline. */
export const NoteSchema = v.object({
  id: IdSchema,
  conversation: IdSchema,
  /** The author's client id for the note (idempotency key). */
  clientId: IdSchema,
  author: v.object({ id: IdSchema, name: Name }),
  text: v.pipe(v.string(), v.maxLength(LIMITS.textChars)),
  at: TimeSchema,
  /** The staff members (ids) it mentions, lists expanded to their members. */
  mentions: v.array(IdSchema),
});

/** Hub → staff: a conversation changed (new message, assignment, claim, close, reopen, ended). */
export const InboxFrameSchema = v.object({
  v: Version,
  type: v.literal('inbox'),
  conversation: InboxItemSchema,
});

/** Hub → one staff member's sockets: their own read state or mentions of a conversation changed. */
export const InboxStateFrameSchema = v.object({
  v: Version,
  type: v.literal('inbox-state'),
  conversation: IdSchema,
  mark: InboxMarkSchema,
});

/** Hub → staff: a note was added to a conversation. */
export const NoteFrameSchema = v.object({
  v: Version,
  type: v.literal('note'),
  note: NoteSchema,
});

/**
 * Who is looking at a conversation right now. Staff client → hub: `active` when it opens the
 * conversation, not when it leaves it (or closes). Hub → staff: the same, with who (`staff`).
 */
export const ViewingFrameSchema = v.object({
  v: Version,
  type: v.literal('viewing'),
  conversation: IdSchema,
  active: v.boolean(),
  staff: v.optional(v.object({ id: IdSchema, name: Name })),
});

/** Hub → staff: teams, their members or who is told about Unassigned changed: load the directory again. */
export const InboxDirectoryFrameSchema = v.object({
  v: Version,
  type: v.literal('inbox-directory'),
});

// ---- REST bodies and queries -------------------------------------------------------------------

const Flag = v.optional(v.pipe(v.picklist(['1', 'true', '0', 'false']), v.transform((s) => s === '1' || s === 'true')));

/** GET /v1/inbox: filters combine (all must hold); `after` is the cursor of the page before. */
export const InboxQuery = v.object({
  status: v.optional(v.picklist(['open', 'closed'])),
  unread: Flag,
  unresponded: Flag,
  mine: Flag,
  unassigned: Flag,
  mentions: Flag,
  list: v.optional(IdSchema),
  location: v.optional(IdSchema),
  q: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
  limit: v.optional(v.pipe(v.string(), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(200))),
  after: v.optional(v.pipe(v.string(), v.maxLength(300), v.regex(/^[A-Za-z0-9_-]+$/))),
});

export const AssignBody = v.object({ to: v.nullable(AssigneeSchema) });

export const NoteBody = v.object({
  clientId: IdSchema,
  text: v.pipe(v.string(), v.trim(), v.minLength(1, 'a note needs text'), v.maxLength(LIMITS.textChars)),
  mentions: v.optional(v.pipe(v.array(MentionTargetSchema), v.maxLength(20)), []),
});

export const UnreadBody = v.object({ unread: v.boolean() });

export const UrgencyBody = v.object({ urgent: v.boolean() });

/** GET /v1/inbox/:id/transcript: the format (default text), internal notes too, the time zone of the times shown. */
export const TranscriptQuery = v.object({
  format: v.optional(v.picklist(['text', 'html', 'fhir'], 'format is text, html or fhir'), 'text'),
  internal: Flag,
  tz: v.optional(v.pipe(v.string(), v.maxLength(64), v.check(isTimeZone, 'tz is not a time zone (Area/City)'))),
});

/** POST /v1/inbox/:id/close-and-email: where the transcript goes, with the internal notes or not. */
export const CloseAndEmailBody = v.object({
  to: v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('to is not an e-mail address')),
  internal: v.optional(v.boolean(), false),
});

export type TranscriptFormat = v.InferOutput<typeof TranscriptQuery>['format'];

/** Settings (admins): a team's name. */
export const ListBody = v.object({ name: v.pipe(v.string(), v.trim(), v.minLength(1, 'a team needs a name'), v.maxLength(LIMITS.nameChars)) });

/** Settings (admins): whether a staff member is told about messages in Unassigned conversations. */
export const NotifyUnassignedBody = v.object({ on: v.boolean() });

/** The most days an org may keep closed conversations before the purge (a hundred years). */
export const RETENTION_MAX_DAYS = 36_500;

/** Settings (`settings.manage`): days a closed conversation is kept; null keeps them forever. */
export const RetentionBody = v.object({
  days: v.nullable(v.pipe(v.number(), v.integer('days must be a whole number'), v.minValue(1), v.maxValue(RETENTION_MAX_DAYS))),
});

/** `settings.manage`: a conversation on legal hold is never purged. */
export const LegalHoldBody = v.object({ hold: v.boolean() });

/** The most audit entries one page of the audit viewer returns. */
export const AUDIT_PAGE_MAX = 200;
/** The most audit entries one CSV export holds (the newest, under the filters). */
export const AUDIT_EXPORT_MAX = 10_000;

const Millis = v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'a time in epoch milliseconds'), v.transform(Number));

/** GET /v1/inbox/audit (`audit.view`): filters combine; `before` is the `next` of the page before. */
export const AuditViewQuery = v.object({
  /** At or after (epoch ms). */
  from: v.optional(Millis),
  /** Before (epoch ms, exclusive). */
  to: v.optional(Millis),
  /** The actor's id: a staff id, `admin` (the admin key) or `retention` (the purge). */
  actor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  /** An action (`conversation.claim`), or a family of them ending in `.*` (`retention.*`). */
  action: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/, 'an action such as list.create or retention.*'), v.maxLength(64))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(AUDIT_PAGE_MAX))),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'before is the next of a page'))),
  format: v.optional(v.picklist(['json', 'csv'])),
});

export type InboxItem = v.InferOutput<typeof InboxItemSchema>;
export type InboxMark = v.InferOutput<typeof InboxMarkSchema>;
export type Note = v.InferOutput<typeof NoteSchema>;
export type MentionTarget = v.InferOutput<typeof MentionTargetSchema>;
export type InboxFrame = v.InferOutput<typeof InboxFrameSchema>;
export type NoteFrame = v.InferOutput<typeof NoteFrameSchema>;
export type ViewingFrame = v.InferOutput<typeof ViewingFrameSchema>;
export type InboxDirectoryFrame = v.InferOutput<typeof InboxDirectoryFrameSchema>;

/** One row of an inbox page: the shared conversation and this staff member's marks. */
export interface InboxEntry extends InboxItem {
  unread: boolean;
  mark: InboxMark;
}

export interface InboxPageResponse {
  conversations: InboxEntry[];
  /** Pass as `after` for the next page; absent on the last one. */
  next?: string;
  /** Search only: per conversation, a snippet of the best match with `«` `»` around the hits. */
  snippets?: Record<string, string>;
}

export interface InboxCountsResponse {
  open: number;
  closed: number;
  unread: number;
  unresponded: number;
  mine: number;
  unassigned: number;
  mentions: number;
  lists: Record<string, number>;
  /** Open conversations per patient location. */
  locations: Record<string, number>;
}

export interface DirectoryResponse {
  /** The caller's own staff id (the ids assignment and claims use). */
  /** `role` is the token's role name: `staff`, `admin` or one the org defined. */
  me: { id: string; role: string; notifyUnassigned: boolean; permissions: Permission[]; displayName: string | null; location: string | null };
  staff: Array<{ id: string; externalId: string; name: string }>;
  lists: Array<{ id: string; name: string; members: string[] }>;
  /** The org's locations (clinics, sites): the inbox filters by the patient's. */
  locations: Array<{ id: string; name: string }>;
}

/** GET /v1/inbox/settings (admins): the teams with their members, and who is told about Unassigned. */
export interface SettingsResponse {
  lists: Array<{ id: string; name: string; members: string[] }>;
  staff: Array<{ id: string; name: string; role: string; notifyUnassigned: boolean }>;
}

/** GET/PUT /v1/inbox/settings/retention. */
export interface RetentionResponse {
  /** Days a closed conversation is kept before the purge deletes it; null = forever. */
  days: number | null;
}

/** POST /v1/inbox/settings/purge: what the purge deleted just now (all zero with no retention). */
export interface PurgeResponse {
  days: number | null;
  conversations: number;
  messages: number;
  attachments: number;
  patients: number;
}

/** One row of the audit: who did what to which record. Ids and counts only, never bodies. */
export interface AuditEntryView {
  id: number;
  at: number;
  /** `name` is the staff member's when the actor is staff (and still in the directory). */
  actor: { kind: 'patient' | 'staff' | 'system' | 'admin-key'; id: string; name?: string };
  action: string;
  subject: { type: string; id: string };
  detail: Record<string, unknown> | null;
}

/** GET /v1/inbox/audit: newest first. */
export interface AuditPageResponse {
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; absent on the last one. */
  next?: string;
}

export type ClaimResponse = { claimed: true; by: string } | { claimed: false; by: string };

/** PUT /v1/inbox/me/display-name and /v1/inbox/:id/display-name: the name patients see; null goes back to the default. */
export const DisplayNameBody = v.object({
  name: v.nullable(v.pipe(v.string(), v.trim(), v.minLength(1, 'a display name needs a letter'), v.maxLength(LIMITS.nameChars))),
});

/** GET /v1/inbox/:id/display-name: the name patients see for the caller here, and where it comes from. */
export interface DisplayNameResponse {
  /** What patients see on the caller's messages in this conversation. */
  name: string;
  /** This conversation's own name for the caller, if set. */
  conversation: string | null;
  /** The caller's own default, if set (else their name from the token). */
  own: string | null;
}

/** GET /v1/inbox/patients?q=: patients to start a conversation with (New chat). */
export const PatientSearchQuery = v.object({ q: v.pipe(v.string(), v.maxLength(LIMITS.nameChars)) });

export interface PatientHit {
  id: string;
  externalId: string;
  name: string;
  phone: string | null;
  locationId: string | null;
  /** Their chat, when they have one: New chat opens it instead of starting another. */
  conversation: { id: string; status: 'open' | 'closed' } | null;
}

export interface PatientSearchResponse {
  patients: PatientHit[];
}

/** POST /v1/inbox/patients (`patients.create`): a patient the hub has not seen, made from New chat. */
export const CreatePatientBody = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'a patient needs a name'), v.maxLength(LIMITS.nameChars)),
  /** The vendor's id for them; made up when left out. */
  externalId: v.optional(IdSchema),
  phone: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9][0-9 ().-]{3,30}$/, 'not a phone number'))),
  locationId: v.optional(IdSchema),
});

/** GET /v1/inbox/:id/contact: the contact the conversation's patient shares (a family phone), if any. */
export interface ContactResponse {
  contact: {
    id: string;
    phone: string;
    /** The primary patient's internal id. */
    primary: string | null;
    patients: Array<{ id: string; externalId: string; name: string }>;
  } | null;
  /** The conversation's own patient (internal id). */
  patient: string;
}

export const PrimaryBody = v.object({ patient: IdSchema });
/** POST /v1/inbox/:id/merge: the duplicate record (internal id) merged into this conversation's patient. */
export const MergeBody = v.object({ duplicate: IdSchema });
