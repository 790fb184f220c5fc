// The roles an org defined, and what each grants. Defaults (protocol/permissions.ts) are not
// stored: an org without a row for `staff` or `admin` has the default.
import { isPermission, type Permission } from '../../../protocol/permissions.js';
import type { HubDatabase } from '../database.js';

export interface RoleRow {
  name: string;
  permissions: Permission[];
}

export async function rolesOf(db: HubDatabase, orgId: string): Promise<RoleRow[]> {
  const rows = await db.selectFrom('roles').select(['name', 'permissions']).where('org_id', '=', orgId).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, permissions: parsePermissions(r.permissions) }));
}

export async function setRole(db: HubDatabase, orgId: string, name: string, permissions: readonly Permission[], now = Date.now()): Promise<void> {
  const json = JSON.stringify([...new Set(permissions)]);
  await db
    .insertInto('roles')
    .values({ org_id: orgId, name, permissions: json, updated_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'name']).doUpdateSet({ permissions: json, updated_at: now }))
    .execute();
}

/** Deletes a defined role; says whether there was one. A default role comes back as the default. */
export async function deleteRole(db: HubDatabase, orgId: string, name: string): Promise<boolean> {
  const result = await db.deleteFrom('roles').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Names no longer known (a permission removed from the product) are dropped, not trusted. */
function parsePermissions(json: string): Permission[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((p): p is Permission => typeof p === 'string' && isPermission(p)) : [];
}
