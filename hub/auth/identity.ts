// Who is calling: what a verified token says, resolved to the org's own records.
// Every query the hub makes on a caller's behalf is scoped by `orgId` from here.
import type { Peer } from '../../protocol/index.js';
import type { Permission } from '../../protocol/permissions.js';

/** The token's `role` claim: `patient`, or a staff role of the org (`staff`, `admin` or one it defined). */
export type TokenRole = string;

export interface Identity {
  orgId: string;
  /** `patient`, or `staff` for staff and admins. */
  kind: 'patient' | 'staff';
  role: TokenRole;
  /** Internal id (patients.id or staff.id). */
  id: string;
  /** The vendor's id for this person (the token's `sub`); the thread id of a patient. */
  externalId: string;
  name: string;
  /** The visit the token was issued for (patients in a call). */
  visit?: string;
  /** List (team) names the token says the staff member belongs to. */
  lists: string[];
  /** Token expiry, epoch ms. */
  expiresAt: number;
  /** What the role grants (hub/auth/permissions.ts); none for patients. */
  permissions: readonly Permission[];
}

/** How the widget sees this identity. */
export function peerOf(identity: Identity): Peer {
  return { id: identity.externalId, name: identity.name, role: identity.kind === 'patient' ? 'patient' : 'provider' };
}
