// Roles and what they grant, per org: the vendor's backend sets them with the admin key
// (/admin/orgs/:org/roles), the clinic's own admins from the inbox (/v1/inbox/settings/roles,
// permission `settings.manage`). A role is named by the token's `role` claim; `staff` and
// `admin` exist by default, and a role set under either name replaces the default for the org.
// Every change is audited (role name and permission names only).
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { DEFAULT_ROLES, type Permission } from '../../protocol/permissions.js';
import { RoleBody, StaffRoleName, type RolesResponse } from '../../protocol/rest.js';
import { rolesChanged } from '../auth/permissions.js';
import type { HubContext } from '../context.js';
import { audit, type AuditInput } from '../db/repositories/audit.js';
import { deleteRole, rolesOf, setRole } from '../db/repositories/roles.js';
import type { Org } from '../db/tables.js';
import type { UserEnv } from '../http/auth.js';
import { staffWith } from '../http/staff.js';
import { httpError } from '../http/errors.js';
import { parseBody } from '../http/validate.js';
import type { InboxLive } from '../realtime/inbox-live.js';

async function rolesJson(ctx: HubContext, orgId: string): Promise<RolesResponse> {
  const defined = await rolesOf(ctx.db, orgId);
  const roles = new Map<string, { name: string; permissions: Permission[]; defined: boolean }>();
  for (const [name, permissions] of Object.entries(DEFAULT_ROLES)) roles.set(name, { name, permissions: [...permissions], defined: false });
  for (const row of defined) roles.set(row.name, { ...row, defined: true });
  return { roles: [...roles.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

function roleName(c: Context): string {
  const parsed = v.safeParse(StaffRoleName, c.req.param('role'));
  if (!parsed.success) throw httpError(400, 'invalid', parsed.issues[0].message);
  return parsed.output;
}

interface RoleChange {
  orgId: string;
  actor: AuditInput['actor'];
  role: string;
}

async function put(ctx: HubContext, change: RoleChange, permissions: readonly Permission[]): Promise<void> {
  await setRole(ctx.db, change.orgId, change.role, permissions);
  await audit(ctx.db, { orgId: change.orgId, actor: change.actor, action: 'role.set', subject: { type: 'role', id: change.role }, detail: { permissions: permissions.join(' ') } });
  rolesChanged(ctx, change.orgId);
}

async function remove(ctx: HubContext, change: RoleChange): Promise<void> {
  if (!(await deleteRole(ctx.db, change.orgId, change.role))) throw httpError(404, 'not-found', 'the org has not defined that role');
  await audit(ctx.db, { orgId: change.orgId, actor: change.actor, action: 'role.delete', subject: { type: 'role', id: change.role } });
  rolesChanged(ctx, change.orgId);
}

/** Mounted at /admin/orgs/:org/roles (the org is loaded and the admin key checked before). */
export function vendorRolesApp(ctx: HubContext) {
  const actor = { kind: 'admin-key', id: 'admin' } as const;
  return new Hono<{ Variables: { org: Org } }>()
    .get('/', async (c) => c.json(await rolesJson(ctx, c.get('org').id)))
    .put('/:role', async (c) => {
      const role = roleName(c);
      const { permissions } = await parseBody(c, RoleBody);
      await put(ctx, { orgId: c.get('org').id, actor, role }, permissions);
      return c.json({ role, permissions: [...new Set(permissions)] });
    })
    .delete('/:role', async (c) => {
      const role = roleName(c);
      await remove(ctx, { orgId: c.get('org').id, actor, role });
      return c.json({ deleted: true });
    });
}

/** Mounted at /v1/inbox/settings/roles, before the rest of the settings. */
export function settingsRolesApp(ctx: HubContext, live: Pick<InboxLive, 'directoryChanged'>) {
  return new Hono<UserEnv>()
    .get('/', async (c) => c.json(await rolesJson(ctx, staffWith(c, 'settings.manage').orgId)))
    .put('/:role', async (c) => {
      const identity = staffWith(c, 'settings.manage');
      const role = roleName(c);
      const { permissions } = await parseBody(c, RoleBody);
      // An admin cannot take away their own way back: the vendor's admin key still can.
      if (role === identity.role && !permissions.includes('settings.manage')) throw httpError(409, 'not-allowed', 'that would take settings.manage from your own role');
      await put(ctx, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, role }, permissions);
      live.directoryChanged(identity.orgId);
      return c.json({ role, permissions: [...new Set(permissions)] });
    })
    .delete('/:role', async (c) => {
      const identity = staffWith(c, 'settings.manage');
      const role = roleName(c);
      if (role === identity.role && !(role in DEFAULT_ROLES && DEFAULT_ROLES[role as keyof typeof DEFAULT_ROLES].includes('settings.manage'))) {
        throw httpError(409, 'not-allowed', 'that would take settings.manage from your own role');
      }
      await remove(ctx, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, role });
      live.directoryChanged(identity.orgId);
      return c.json({ deleted: true });
    });
}
