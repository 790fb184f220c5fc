// Row types of every table, as kysely sees them. Times are epoch milliseconds.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A role name: `staff`, `admin`, or one the org defined (roles table). */
export type StaffRole = string;
export type ActorKind = 'patient' | 'staff' | 'system' | 'admin-key';
export type KeyAlg = 'HS256' | 'ES256' | 'RS256';

export interface OrgsTable {
  id: string;
  name: string;
  /** Days a closed conversation is kept before the purge deletes it; null = kept forever. */
  retention_days: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
}

export interface OrgKeysTable {
  /** The JWT `kid`. */
  id: string;
  org_id: string;
  /** The one algorithm tokens signed with this key may use. */
  alg: KeyAlg;
  /** HS256 shared secret. */
  secret: string | null;
  /** ES256/RS256 public key (SPKI PEM). */
  public_key: string | null;
  issuer: string;
  audience: string;
  created_at: number;
  revoked_at: number | null;
}

export interface OrgOriginsTable {
  org_id: string;
  origin: string;
}

export interface LocationsTable {
  id: string;
  org_id: string;
  name: string;
}

export interface StaffTable {
  id: string;
  org_id: string;
  external_id: string;
  name: string;
  role: StaffRole;
  /** The name patients see for this staff member, when they set one (else `name`). */
  display_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where this staff member works (the inbox's My location). */
  location_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 when this staff member is told about messages in Unassigned conversations. */
  notify_unassigned: ColumnType<number, number | undefined, number>;
  created_at: number;
}

export interface PatientsTable {
  id: string;
  org_id: string;
  external_id: string;
  name: string;
  location_id: string | null;
  opted_out_at: number | null;
  created_at: number;
  /** As the vendor gave it; `contact_id` links patients who share it. */
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  contact_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when this record was merged into another patient (which then holds its conversations). */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A phone number several patients share (a family's); one of them is the primary. */
export interface ContactsTable {
  id: string;
  org_id: string;
  /** Normalised: digits, with a leading + when given. */
  phone: string;
  primary_patient_id: string | null;
  created_at: number;
}

export interface ListsTable {
  id: string;
  org_id: string;
  name: string;
}

export interface ListMembersTable {
  list_id: string;
  staff_id: string;
}

export interface ConversationsTable {
  id: string;
  org_id: string;
  patient_id: string;
  channel: string;
  status: 'open' | 'closed';
  assignee_staff_id: string | null;
  assignee_list_id: string | null;
  urgency: ColumnType<number, number | undefined, number>;
  visit: string | null;
  last_seq: ColumnType<number, number | undefined, number>;
  last_inbound_at: number | null;
  last_outbound_at: number | null;
  /** The visit whose chat was ended ('' when the chat had no visit); sending in it is refused. */
  ended_visit: ColumnType<string | null, string | null | undefined, string | null>;
  ended_at: ColumnType<number | null, number | null | undefined, number | null>;
  claimed_by_staff_id: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_at: ColumnType<number | null, number | null | undefined, number | null>;
  closed_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** 1 = on legal hold: the purge keeps it whatever the org's retention. */
  legal_hold: ColumnType<number, number | undefined, number>;
  /** Who wrote the last message; 'patient' = waiting for an answer. */
  last_author_kind: ColumnType<'patient' | 'staff' | 'system' | null, 'patient' | 'staff' | 'system' | null | undefined, 'patient' | 'staff' | 'system' | null>;
  /** The start of the last message, for the inbox row. */
  last_preview: ColumnType<string | null, string | null | undefined, string | null>;
  last_message_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** The seq of the patient's last message. */
  last_inbound_seq: ColumnType<number | null, number | null | undefined, number | null>;
  /** When a message last re-opened it (it was closed). */
  reopened_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** When a message last began a new visit. */
  visit_started_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export interface MessagesTable {
  id: string;
  org_id: string;
  conversation_id: string;
  /** Per-conversation sequence number, assigned in the transaction that stores the message. */
  seq: number;
  /** The sender's idempotency key. */
  client_id: string;
  author_kind: 'patient' | 'staff' | 'system';
  author_id: string;
  author_name: string;
  body: string;
  sent_at: number;
  created_at: number;
}

export interface AttachmentsTable {
  id: string;
  org_id: string;
  conversation_id: string;
  message_id: string;
  /** The id the sender gave the attachment (unique within its message). */
  client_id: string;
  name: string;
  mime: string;
  size: number;
  /** Where the bytes are in the blob store (never a served path). */
  storage_key: string;
  created_at: number;
}

export interface ReadCursorsTable {
  conversation_id: string;
  participant_kind: 'patient' | 'staff';
  participant_id: string;
  delivered_seq: number;
  read_seq: number;
  /** Staff only: 1 after *mark unread*, until the conversation is read again. */
  marked_unread: ColumnType<number, number | undefined, number>;
  updated_at: number;
}

/** A staff-only note in a conversation's timeline: never sent to, or readable by, a patient. */
export interface NotesTable {
  id: string;
  org_id: string;
  conversation_id: string;
  author_staff_id: string;
  author_name: string;
  client_id: string;
  body: string;
  created_at: number;
}

/** A staff member named (directly or through a list) in a note. */
export interface MentionsTable {
  id: string;
  org_id: string;
  note_id: string;
  conversation_id: string;
  staff_id: string;
  created_at: number;
  dismissed_at: number | null;
}

/** An event in a conversation's timeline (staff only): a system event or the vendor's call summary or email. */
export interface EventsTable {
  id: string;
  org_id: string;
  conversation_id: string;
  kind: string;
  actor_kind: 'staff' | 'patient' | 'system' | 'vendor' | null;
  actor_id: string | null;
  actor_name: string | null;
  /** The vendor's id for an event it added (idempotency); null for system events. */
  source_id: string | null;
  /** JSON: the event's fields beyond who and when (TimelineEvent minus id/conversation/kind/at/by). */
  detail: string | null;
  at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  org_id: string;
  actor_kind: ActorKind;
  actor_id: string;
  action: string;
  subject_type: string;
  subject_id: string;
  at: number;
  /** JSON with ids and counts only: never message bodies. */
  detail: string | null;
}

/** A role an org defined: its name (the token's `role` claim) and the permissions it grants. */
export interface RolesTable {
  org_id: string;
  name: string;
  /** JSON array of permission names. */
  permissions: string;
  updated_at: number;
}

/** The name patients see for a staff member in one conversation. */
export interface DisplayNamesTable {
  conversation_id: string;
  staff_id: string;
  name: string;
}

/** Attachment bytes when the blob store is the database (`blobs: 'database'`). */
export interface BlobsTable {
  /** The attachment's storage_key. */
  key: string;
  bytes: Uint8Array;
  created_at: number;
}

export interface Database {
  orgs: OrgsTable;
  org_keys: OrgKeysTable;
  org_origins: OrgOriginsTable;
  locations: LocationsTable;
  staff: StaffTable;
  patients: PatientsTable;
  lists: ListsTable;
  list_members: ListMembersTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  read_cursors: ReadCursorsTable;
  audit_log: AuditLogTable;
  blobs: BlobsTable;
  notes: NotesTable;
  mentions: MentionsTable;
  events: EventsTable;
  roles: RolesTable;
  display_names: DisplayNamesTable;
  contacts: ContactsTable;
}

export type Org = Selectable<OrgsTable>;
export type OrgKey = Selectable<OrgKeysTable>;
export type Staff = Selectable<StaffTable>;
export type Patient = Selectable<PatientsTable>;
export type List = Selectable<ListsTable>;
export type Conversation = Selectable<ConversationsTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type Attachment = Selectable<AttachmentsTable>;
export type ReadCursor = Selectable<ReadCursorsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type Note = Selectable<NotesTable>;
export type Mention = Selectable<MentionsTable>;
export type TimelineEventRow = Selectable<EventsTable>;
