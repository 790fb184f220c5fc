// What a role grants, per org, and the check every route and WebSocket action makes. An org's
// roles are the defaults (protocol/permissions.ts) overlaid with the ones its admins defined;
// they are read at most every few seconds per hub, so a change reaches every hub's new requests
// within ROLE_CACHE_MS, and open staff sockets on the gateway's role sweep (realtime/role-sweep.ts).
import { DEFAULT_ROLES, type Permission } from '../../protocol/permissions.js';
import type { HubContext } from '../context.js';
import { rolesOf } from '../db/repositories/roles.js';
import { httpError } from '../http/errors.js';
import type { Identity } from './identity.js';

export const ROLE_CACHE_MS = 5_000;

export type RoleMap = ReadonlyMap<string, readonly Permission[]>;

const cache = new WeakMap<HubContext, Map<string, { at: number; roles: Promise<RoleMap> }>>();

/** The org's roles: defaults, then its own (which may replace `staff` or `admin`). */
export function rolesOfOrg(ctx: HubContext, orgId: string): Promise<RoleMap> {
  let orgs = cache.get(ctx);
  if (!orgs) cache.set(ctx, (orgs = new Map()));
  const hit = orgs.get(orgId);
  if (hit && Date.now() - hit.at < ROLE_CACHE_MS) return hit.roles;
  const roles = rolesOf(ctx.db, orgId).then((rows) => {
    const map = new Map<string, readonly Permission[]>(Object.entries(DEFAULT_ROLES));
    for (const row of rows) map.set(row.name, row.permissions);
    return map as RoleMap;
  });
  // A failed read is not remembered: the next request tries again.
  roles.catch(() => orgs!.delete(orgId));
  if (orgs.size >= 10_000) orgs.delete(orgs.keys().next().value!);
  orgs.set(orgId, { at: Date.now(), roles });
  return roles;
}

/** Forgets an org's roles on this hub (after a change here; other hubs see it within ROLE_CACHE_MS). */
export function rolesChanged(ctx: HubContext, orgId: string): void {
  cache.get(ctx)?.delete(orgId);
}

/** What a token role grants in an org; undefined for a role the org does not have. Patients hold none. */
export async function permissionsOfRole(ctx: HubContext, orgId: string, role: string): Promise<readonly Permission[] | undefined> {
  if (role === 'patient') return [];
  return (await rolesOfOrg(ctx, orgId)).get(role);
}

export function can(identity: Identity, permission: Permission): boolean {
  return identity.permissions.includes(permission);
}

/** Throws the typed 403 a REST caller gets when their role lacks the permission. */
export function requirePermission(identity: Identity, permission: Permission): void {
  if (identity.kind !== 'staff') throw httpError(403, 'forbidden', 'the inbox is for the care team');
  if (!can(identity, permission)) throw httpError(403, 'forbidden', `your role does not grant ${permission}`);
}
