// The check every route and WebSocket action makes: does the caller's role grant the permission?
import { DEFAULT_ROLES, type Permission } from '../../protocol/permissions.js';
import { httpError } from '../http/errors.js';
import type { Identity, TokenRole } from './identity.js';

/** What a token role grants. Patients hold no staff permission. */
export function permissionsOfRole(role: TokenRole): readonly Permission[] {
  return role === 'patient' ? [] : DEFAULT_ROLES[role];
}

export function can(identity: Identity, permission: Permission): boolean {
  return identity.permissions.includes(permission);
}

/** Throws the typed 403 a REST caller gets when their role lacks the permission. */
export function requirePermission(identity: Identity, permission: Permission): void {
  if (identity.kind !== 'staff') throw httpError(403, 'forbidden', 'the inbox is for the care team');
  if (!can(identity, permission)) throw httpError(403, 'forbidden', `your role does not grant ${permission}`);
}
