// /v1/inbox/settings: the inbox's own settings panel, for staff whose role grants `lists.manage`
// (teams) or `settings.manage` (the rest).
// Teams (lists) and their members, who is told about messages in Unassigned conversations, and
// the org's retention of closed conversations, with a purge on demand.
// The admin key API (/admin) can do the same; this is for the clinic's own admins, from the inbox.
// Every change is audited (ids only) and every staff client reloads its directory live.
import { Hono } from 'hono';
import { ListBody, NotifyUnassignedBody, RetentionBody, type PurgeResponse, type RetentionResponse, type SettingsResponse } from '../../protocol/inbox.js';
import type { Identity } from '../auth/identity.js';
import { can } from '../auth/permissions.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import { getRetention, setRetention } from '../db/repositories/retention.js';
import { purgeOrgNow } from '../domain/retention.js';
import { addListMember, createList, deleteList, listStaff, listsWithMembers, removeListMember, renameList, setNotifyUnassigned } from '../db/repositories/people.js';
import type { UserEnv } from '../http/auth.js';
import { staffWith } from '../http/staff.js';
import { httpError, unlessDuplicate } from '../http/errors.js';
import { parseBody } from '../http/validate.js';
import type { InboxLive } from '../realtime/inbox-live.js';

export function inboxSettingsApp(ctx: HubContext, live: InboxLive) {
  const audited = (identity: Identity, action: string, detail: Record<string, string | number | boolean>) =>
    audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action, subject: { type: 'org', id: identity.orgId }, detail });
  const changed = async (identity: Identity, action: string, subject: { type: string; id: string }, detail?: Record<string, string | boolean>) => {
    await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action, subject, ...(detail && { detail }) });
    live.directoryChanged(identity.orgId);
  };

  return new Hono<UserEnv>()
    .get('/', async (c) => {
      const identity = staffWith(c, can(c.get('identity'), 'lists.manage') ? 'lists.manage' : 'settings.manage');
      const [lists, staff] = await Promise.all([listsWithMembers(ctx.db, identity.orgId), listStaff(ctx.db, identity.orgId)]);
      const body: SettingsResponse = {
        lists,
        staff: staff.map((s) => ({ id: s.id, name: s.name, role: s.role, notifyUnassigned: Boolean(s.notify_unassigned) })),
      };
      return c.json(body);
    })
    .post('/lists', async (c) => {
      const identity = staffWith(c, 'lists.manage');
      const { name } = await parseBody(c, ListBody);
      const list = await unlessDuplicate(`a team named ${name}`, () => createList(ctx.db, identity.orgId, name));
      await changed(identity, 'list.create', { type: 'list', id: list.id });
      return c.json({ list: { id: list.id, name: list.name, members: [] } }, 201);
    })
    .patch('/lists/:list', async (c) => {
      const identity = staffWith(c, 'lists.manage');
      const { name } = await parseBody(c, ListBody);
      if (!(await unlessDuplicate(`a team named ${name}`, () => renameList(ctx.db, identity.orgId, c.req.param('list'), name)))) throw httpError(404, 'not-found', 'no such team');
      await changed(identity, 'list.rename', { type: 'list', id: c.req.param('list') });
      return c.json({ renamed: true });
    })
    .delete('/lists/:list', async (c) => {
      const identity = staffWith(c, 'lists.manage');
      if (!(await deleteList(ctx.db, identity.orgId, c.req.param('list')))) throw httpError(404, 'not-found', 'no such team');
      await changed(identity, 'list.delete', { type: 'list', id: c.req.param('list') });
      return c.json({ deleted: true });
    })
    .put('/lists/:list/members/:staff', async (c) => {
      const identity = staffWith(c, 'lists.manage');
      if (!(await addListMember(ctx.db, identity.orgId, c.req.param('list'), c.req.param('staff')))) throw httpError(404, 'not-found', 'no such team or staff member');
      await changed(identity, 'list.member.add', { type: 'list', id: c.req.param('list') }, { staff: c.req.param('staff') });
      return c.json({ member: true });
    })
    .delete('/lists/:list/members/:staff', async (c) => {
      const identity = staffWith(c, 'lists.manage');
      if (!(await removeListMember(ctx.db, identity.orgId, c.req.param('list'), c.req.param('staff')))) throw httpError(404, 'not-found', 'no such team');
      await changed(identity, 'list.member.remove', { type: 'list', id: c.req.param('list') }, { staff: c.req.param('staff') });
      return c.json({ member: false });
    })
    .put('/staff/:staff/notify-unassigned', async (c) => {
      const identity = staffWith(c, 'settings.manage');
      const { on } = await parseBody(c, NotifyUnassignedBody);
      if (!(await setNotifyUnassigned(ctx.db, identity.orgId, c.req.param('staff'), on))) throw httpError(404, 'not-found', 'no such staff member');
      await changed(identity, 'staff.notify-unassigned', { type: 'staff', id: c.req.param('staff') }, { on });
      return c.json({ on });
    })
    .get('/retention', async (c) => {
      const identity = staffWith(c, 'settings.manage');
      const retention = await getRetention(ctx.db, identity.orgId);
      if (!retention) throw httpError(404, 'not-found', 'no such organisation');
      const body: RetentionResponse = retention;
      return c.json(body);
    })
    .put('/retention', async (c) => {
      const identity = staffWith(c, 'settings.manage');
      const { days } = await parseBody(c, RetentionBody);
      if (!(await setRetention(ctx.db, identity.orgId, days))) throw httpError(404, 'not-found', 'no such organisation');
      await audited(identity, 'retention.set', { days: days ?? 'forever' });
      const body: RetentionResponse = { days };
      return c.json(body);
    })
    .post('/purge', async (c) => {
      const identity = staffWith(c, 'settings.manage');
      const purged = await purgeOrgNow(ctx, identity.orgId);
      if (!purged) throw httpError(404, 'not-found', 'no such organisation');
      const { days, ...counts } = purged;
      await audited(identity, 'retention.purge-now', { ...counts, days: days ?? 'forever' });
      const body: PurgeResponse = purged;
      return c.json(body);
    });
}
