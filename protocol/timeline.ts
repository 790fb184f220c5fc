// A conversation's timeline beyond its messages and notes: system events (assigned, claimed,
// closed, reopened, opted out, merged, visit started and ended, hand-off) and what the vendor's
// backend adds (call summaries, emails). Staff only, like notes: a patient never receives any.
import * as v from 'valibot';
import { LIMITS } from './limits.js';
import { IdSchema, TimeSchema, Version } from './primitives.js';

export const SYSTEM_EVENT_KINDS = ['assigned', 'hand-off', 'claimed', 'released', 'closed', 'reopened', 'urgent', 'opted-out', 'merged', 'visit-started', 'visit-ended'] as const;
export const VENDOR_EVENT_KINDS = ['call', 'email'] as const;
export const EVENT_KINDS = [...SYSTEM_EVENT_KINDS, ...VENDOR_EVENT_KINDS] as const;

const Name = v.pipe(v.string(), v.maxLength(LIMITS.nameChars));
/** A link the vendor gives (a recording, an email in their system): http(s) only, so no `javascript:` reaches a page. */
const Link = v.pipe(v.string(), v.maxLength(2000), v.url(), v.regex(/^https?:\/\//i, 'links are http or https'));

const WhoSchema = v.object({ kind: v.picklist(['staff', 'list', 'patient', 'system', 'vendor']), id: v.optional(IdSchema), name: Name });

export const CallSummarySchema = v.object({
  outcome: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  durationSec: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7 * 24 * 3600)),
  recordingUrl: v.optional(Link),
});

export const EmailSummarySchema = v.object({
  subject: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(300)),
  snippet: v.optional(v.pipe(v.string(), v.maxLength(500))),
  link: v.optional(Link),
});

export const TimelineEventSchema = v.object({
  id: IdSchema,
  conversation: IdSchema,
  kind: v.picklist(EVENT_KINDS),
  at: TimeSchema,
  /** Who did it (a staff member, the vendor's backend, the patient for a visit they started). */
  by: v.nullable(WhoSchema),
  /** assigned / hand-off: to whom, and from whom before. */
  to: v.optional(v.nullable(WhoSchema)),
  from: v.optional(v.nullable(WhoSchema)),
  /** urgent: on or off. */
  urgent: v.optional(v.boolean()),
  /** visit-started / visit-ended: the visit id. */
  visit: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.idChars))),
  /** merged: the patient record merged into this one. */
  merged: v.optional(v.object({ name: Name })),
  call: v.optional(CallSummarySchema),
  email: v.optional(EmailSummarySchema),
});

/** Hub → staff: an event was added to a conversation's timeline. */
export const EventFrameSchema = v.object({
  v: Version,
  type: v.literal('event'),
  event: TimelineEventSchema,
});

/** POST /admin/orgs/:org/patients/:patient/timeline: the vendor's backend adds a call summary or an email. */
export const VendorEventBody = v.variant('kind', [
  v.object({ kind: v.literal('call'), id: IdSchema, at: v.optional(TimeSchema), call: CallSummarySchema }),
  v.object({ kind: v.literal('email'), id: IdSchema, at: v.optional(TimeSchema), email: EmailSummarySchema }),
]);

export type EventKind = (typeof EVENT_KINDS)[number];
export type TimelineEvent = v.InferOutput<typeof TimelineEventSchema>;
export type EventFrame = v.InferOutput<typeof EventFrameSchema>;
export type VendorEventInput = v.InferOutput<typeof VendorEventBody>;
export type TimelineEventsResponse = { events: TimelineEvent[] };
