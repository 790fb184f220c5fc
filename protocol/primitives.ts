// The small schemas every frame is made of: ids, times, sequence numbers, the protocol version
// and who a peer is. In a module of their own so frame families can share them.
import * as v from 'valibot';
import { LIMITS, PROTOCOL_VERSION } from './limits.js';

export const IdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(LIMITS.idChars),
  v.regex(/^[A-Za-z0-9_.:@-]+$/, 'ids use letters, digits and _ . : @ -'),
);
export const RoleSchema = v.picklist(['patient', 'provider']);
export const TimeSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
export const SeqSchema = v.pipe(v.number(), v.integer(), v.minValue(1));
export const Version = v.literal(PROTOCOL_VERSION);

export const PeerSchema = v.object({
  id: IdSchema,
  name: v.pipe(v.string(), v.maxLength(LIMITS.nameChars)),
  role: RoleSchema,
});

export type Role = v.InferOutput<typeof RoleSchema>;
export type Peer = v.InferOutput<typeof PeerSchema>;
