// REST request schemas (valibot) and response shapes for the hub's HTTP API: what the admin
// API accepts and what /v1 answers. Shared so a widget or a vendor's backend can validate
// the same way the hub does. No DOM or Node APIs here (URL is in both).
import * as v from 'valibot';
import { IdSchema } from './frames.js';
import { LIMITS } from './limits.js';
import type { ErrorCode } from './errors.js';
import { PERMISSIONS, ROLE_NAME, type Permission } from './permissions.js';

export const REST_LIMITS = {
  /** Largest request body the hub reads; bigger ones are refused with `too-large` before parsing. */
  bodyBytes: 64 * 1024,
  /** Most messages one history page returns. */
  pageMessages: 500,
  /** Most conversations one list returns. */
  pageConversations: 200,
  /** Most audit entries one read returns. */
  auditEntries: 1000,
} as const;

/** Every REST error body: `{ error: { code, message } }`; `code` is stable, `message` is for people. */
export interface RestError {
  error: { code: ErrorCode; message: string };
}

const Name = v.pipe(v.string(), v.trim(), v.minLength(1, 'name is empty'), v.maxLength(LIMITS.nameChars, `name is over ${LIMITS.nameChars} characters`));
const Text200 = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200));

/**
 * An allowed origin is exactly what a browser sends in `Origin`: scheme://host[:port], lower
 * case, no default port, no path, no trailing slash. Anything else could never match.
 */
export const OriginSchema = v.pipe(
  v.string(),
  v.maxLength(255),
  v.check((input) => canonicalOrigin(input) === input, 'origin must be exactly scheme://host[:port] (http or https, lower case, no path)'),
);

function canonicalOrigin(input: string): string | undefined {
  try {
    const url = new URL(input);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

// ---- admin API bodies ----------------------------------------------------------------------

export const CreateOrgBody = v.object({
  id: v.optional(IdSchema),
  name: Name,
});

const KeyCommon = {
  kid: v.optional(IdSchema),
  issuer: Text200,
  audience: Text200,
};

/** HS256 takes a shared secret; ES256/RS256 a public key. The key's `alg` is the only one its tokens may use. */
export const AddKeyBody = v.variant('alg', [
  v.object({
    ...KeyCommon,
    alg: v.literal('HS256'),
    secret: v.pipe(v.string(), v.minLength(32, 'an HS256 secret needs at least 32 characters'), v.maxLength(512)),
  }),
  v.object({
    ...KeyCommon,
    alg: v.picklist(['ES256', 'RS256']),
    publicKey: v.pipe(
      v.string(),
      v.maxLength(8192),
      v.includes('-----BEGIN PUBLIC KEY-----', 'publicKey must be an SPKI PEM (-----BEGIN PUBLIC KEY-----)'),
    ),
  }),
]);

export const AddOriginBody = v.object({ origin: OriginSchema });

/** A staff role's name: never `patient`, which is not a role an org can define. */
export const StaffRoleName = v.pipe(
  v.string(),
  v.regex(ROLE_NAME, 'a role name is lowercase letters, digits and dashes'),
  v.check((name) => name !== 'patient', 'patient is not a staff role'),
);

/** PUT …/roles/:role: what the role grants (replaces what it granted). */
export const RoleBody = v.object({ permissions: v.pipe(v.array(v.picklist(PERMISSIONS)), v.maxLength(PERMISSIONS.length * 2)) });

export interface RolesResponse {
  /** Every role of the org: the defaults and its own; `defined` when the org set it (a default it replaced included). */
  roles: Array<{ name: string; permissions: Permission[]; defined: boolean }>;
}

export const UpsertStaffBody = v.object({
  externalId: IdSchema,
  name: Name,
  /** `staff`, `admin` or a role the org defined (protocol/permissions.ts). */
  role: StaffRoleName,
  /** Where they work (a location of the org); null clears it, left out keeps it. */
  locationId: v.optional(v.nullable(IdSchema)),
});

/** A phone number as people write it: digits, spaces, dashes, dots, brackets, a leading +. */
export const PhoneSchema = v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9][0-9 ().-]{3,30}$/, 'not a phone number'));

export const UpsertPatientBody = v.object({
  externalId: IdSchema,
  name: Name,
  /** A location of the org; null clears it, left out keeps it. */
  locationId: v.optional(v.nullable(IdSchema)),
  /** Patients with the same number share one contact (a family's phone); null clears it. */
  phone: v.optional(v.nullable(PhoneSchema)),
});

export const CreateListBody = v.object({ name: Name });
export const AddMemberBody = v.object({ staffId: IdSchema });
export const CreateLocationBody = v.object({ name: Name });

// ---- query strings (all values arrive as text) -----------------------------------------------

const Count = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'must be a whole number'), v.transform(Number), v.minValue(min), v.maxValue(max));

export const ConversationsQuery = v.object({
  status: v.optional(v.picklist(['open', 'closed'])),
  limit: v.optional(Count(1, REST_LIMITS.pageConversations)),
});

export const MessagesQuery = v.object({
  after: v.optional(Count(0, Number.MAX_SAFE_INTEGER)),
  limit: v.optional(Count(1, REST_LIMITS.pageMessages)),
});

export const AuditQuery = v.object({
  limit: v.optional(Count(1, REST_LIMITS.auditEntries)),
});

// ---- /v1 response shapes --------------------------------------------------------------------

export interface MeResponse {
  me: { id: string; name: string; role: 'patient' | 'provider' };
  org: string;
  /** The token's role: patient, or a staff role of the org (staff, admin or its own). */
  tokenRole: string;
  visit?: string;
  lists: string[];
  /** Token expiry, epoch ms: refresh before this. */
  expiresAt: number;
  /** What the caller's role grants (protocol/permissions.ts); empty for patients. */
  permissions: Permission[];
}

export interface ConversationSummary {
  id: string;
  /** The patient as the widget knows them: the thread id is the patient's external id. */
  patient: { id: string; name: string };
  status: 'open' | 'closed';
  visit: string | null;
  urgency: number;
  lastSeq: number;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface HistoryAttachment {
  /** The hub's id: GET /v1/attachments/:id. */
  id: string;
  name: string;
  mime: string;
  size: number;
}

export interface HistoryMessage {
  id: string;
  /** The sender's idempotency key (the `id` of its message frame). */
  clientId: string;
  seq: number;
  author: { kind: 'patient' | 'staff' | 'system'; id: string; name: string };
  body: string;
  sentAt: number;
  attachments: HistoryAttachment[];
}

export interface MessagesPage {
  messages: HistoryMessage[];
  /** The conversation's highest sequence number now; more pages exist while the last seq is below it. */
  lastSeq: number;
}

export type CreateOrgInput = v.InferOutput<typeof CreateOrgBody>;
export type AddKeyInput = v.InferOutput<typeof AddKeyBody>;
