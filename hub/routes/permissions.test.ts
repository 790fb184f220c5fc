// The permission matrix: every inbox route and staff socket action checked against roles that
// grant exactly one permission and roles that grant all but one, through a real hub on SQLite
// and PostgreSQL. Also the roles themselves: defaults, an org's own, changes and lock-out.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryResponse, InboxPageResponse } from '../../protocol/inbox.js';
import { PERMISSIONS, type Permission } from '../../protocol/permissions.js';
import type { RolesResponse } from '../../protocol/rest.js';
import { auditTrail } from '../db/repositories/audit.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { TestClient } from '../testing/ws-client.js';

/** Ids a route's path needs, made once per test. */
interface Ids {
  conversation: string;
  list: string;
  staff: string;
}

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (ids: Ids) => string;
  body?: unknown;
  needs: Permission;
}

/** Every /v1 route a staff member's role decides. Add a route here when you add one. */
const ROUTES: RouteCase[] = [
  { method: 'GET', path: () => '/inbox', needs: 'chats.read' },
  { method: 'GET', path: () => '/inbox/counts', needs: 'chats.read' },
  { method: 'GET', path: () => '/inbox/directory', needs: 'chats.read' },
  { method: 'GET', path: () => '/inbox/mentions', needs: 'chats.read' },
  { method: 'POST', path: () => '/inbox/mentions/mnt_nope/dismiss', needs: 'chats.read' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}`, needs: 'chats.read' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}/notes`, needs: 'chats.read' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}/events`, needs: 'chats.read' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/unread`, body: { unread: true }, needs: 'chats.read' },
  { method: 'GET', path: () => '/conversations', needs: 'chats.read' },
  { method: 'GET', path: (i) => `/conversations/${i.conversation}/messages`, needs: 'chats.read' },
  { method: 'GET', path: () => '/attachments/att_nope', needs: 'chats.read' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/claim`, needs: 'chats.write' },
  { method: 'DELETE', path: (i) => `/inbox/${i.conversation}/claim`, needs: 'chats.write' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/assign`, body: { to: null }, needs: 'chats.write' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/urgency`, body: { urgent: true }, needs: 'chats.write' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/notes`, body: { clientId: 'n1', text: 'checked', mentions: [] }, needs: 'chats.write' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/close`, needs: 'chats.write' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/reopen`, needs: 'chats.write' },
  { method: 'PUT', path: () => '/inbox/me/display-name', body: { name: 'Dr. M' }, needs: 'chats.write' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}/display-name`, needs: 'chats.write' },
  { method: 'PUT', path: (i) => `/inbox/${i.conversation}/display-name`, body: { name: 'Dr. M' }, needs: 'chats.write' },
  { method: 'GET', path: () => '/inbox/patients?q=ana', needs: 'chats.read' },
  { method: 'POST', path: () => '/inbox/patients', body: { name: 'Matrix Patient' }, needs: 'patients.create' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}/contact`, needs: 'chats.read' },
  { method: 'PUT', path: () => '/inbox/contacts/con_nope/primary', body: { patient: 'pat_nope' }, needs: 'chats.write' },
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/merge`, body: { duplicate: 'pat_nope' }, needs: 'patients.create' },
  { method: 'POST', path: () => '/inbox/settings/lists', body: { name: 'Matrix team' }, needs: 'lists.manage' },
  { method: 'PATCH', path: (i) => `/inbox/settings/lists/${i.list}`, body: { name: 'Renamed' }, needs: 'lists.manage' },
  { method: 'PUT', path: (i) => `/inbox/settings/lists/${i.list}/members/${i.staff}`, needs: 'lists.manage' },
  { method: 'DELETE', path: (i) => `/inbox/settings/lists/${i.list}/members/${i.staff}`, needs: 'lists.manage' },
  { method: 'PUT', path: (i) => `/inbox/settings/staff/${i.staff}/notify-unassigned`, body: { on: true }, needs: 'settings.manage' },
  { method: 'GET', path: () => '/inbox/settings/roles', needs: 'settings.manage' },
  { method: 'PUT', path: () => '/inbox/settings/roles/matrix-extra', body: { permissions: ['chats.read'] }, needs: 'settings.manage' },
  { method: 'GET', path: () => '/inbox/settings/retention', needs: 'settings.manage' },
  { method: 'PUT', path: () => '/inbox/settings/retention', body: { days: 3650 }, needs: 'settings.manage' },
  { method: 'POST', path: () => '/inbox/settings/purge', needs: 'settings.manage' },
  { method: 'PUT', path: (i) => `/inbox/${i.conversation}/legal-hold`, body: { hold: true }, needs: 'settings.manage' },
  { method: 'GET', path: () => '/inbox/audit', needs: 'audit.view' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}/transcript?format=text`, needs: 'transcripts.export' },
  { method: 'GET', path: (i) => `/inbox/${i.conversation}/transcript?format=fhir&internal=1`, needs: 'transcripts.export' },
  // Last: it ends the conversation's story for the routes above.
  { method: 'POST', path: (i) => `/inbox/${i.conversation}/opt-out`, needs: 'chats.write' },
];

const roleName = (prefix: 'only' | 'without', p: Permission) => `${prefix}-${p.replace('.', '-')}`;

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  let ids: Ids;

  const token = (sub: string, role: string) => t.clinic.mint({ sub, name: `Person ${sub}`, role });
  const api = <T = any>(bearer: string, path: string, method = 'GET', body?: unknown) => t.api<T>(bearer, path, { method, body });

  beforeEach(async () => {
    for (const p of PERMISSIONS) {
      expect((await t.admin(`/orgs/${t.clinic.org.id}/roles/${roleName('only', p)}`, { permissions: [p] }, 'PUT')).status).toBe(200);
      expect((await t.admin(`/orgs/${t.clinic.org.id}/roles/${roleName('without', p)}`, { permissions: PERMISSIONS.filter((q) => q !== p) }, 'PUT')).status).toBe(200);
    }
    const ana = await t.connect(await token('ana', 'patient'));
    ana.send({ type: 'message', id: 'a1', thread: 'ana', from: { id: 'ana', name: 'Ana', role: 'patient' }, text: 'hello', at: Date.now(), clock: 1 });
    await ana.waitFor((f) => f.type === 'ack');
    const admin = await token('sam', 'admin');
    const conversation = (await api<InboxPageResponse>(admin, '/inbox')).body.conversations[0]!.id;
    const list = (await api(admin, '/inbox/settings/lists', 'POST', { name: 'Nurses' })).body.list.id as string;
    const staff = (await api<DirectoryResponse>(admin, '/inbox/directory')).body.me.id;
    ids = { conversation, list, staff };
  });

  describe('roles and permissions', () => {
    it('walks the matrix: every route answers 403 to a role without its permission and lets a role with only that one through', async () => {
      const only = new Map<Permission, string>();
      const without = new Map<Permission, string>();
      for (const p of PERMISSIONS) {
        only.set(p, await token(`only-${p}`, roleName('only', p)));
        without.set(p, await token(`without-${p}`, roleName('without', p)));
      }
      const patient = await token('ana', 'patient');
      const refusals: string[] = [];
      for (const route of ROUTES) {
        const path = route.path(ids);
        const label = `${route.method} ${path}`;
        const denied = await api(without.get(route.needs)!, path, route.method, route.body);
        if (denied.status !== 403 || denied.body.error.code !== 'forbidden') refusals.push(`${label} without ${route.needs}: ${denied.status}`);
        // Another permission alone does not open it either.
        const other = PERMISSIONS.find((p) => p !== route.needs)!;
        if ((await api(only.get(other)!, path, route.method, route.body)).status !== 403) refusals.push(`${label} with only ${other}: not 403`);
        const allowed = await api(only.get(route.needs)!, path, route.method, route.body);
        if (allowed.status === 403 || allowed.status === 401 || allowed.status >= 500) refusals.push(`${label} with ${route.needs}: ${allowed.status}`);
        // A patient is never staff, whatever the route.
        const patientAnswer = await api(patient, path, route.method, route.body);
        if (!path.startsWith('/conversations') && !path.startsWith('/attachments') && patientAnswer.status !== 403) refusals.push(`${label} as a patient: ${patientAnswer.status}`);
      }
      expect(refusals).toEqual([]);
    });

    it('ending with the transcript by email needs both chats.write and transcripts.export', async () => {
      await t.admin(`/orgs/${t.clinic.org.id}/roles/exporter`, { permissions: ['chats.read', 'transcripts.export'] }, 'PUT');
      await t.admin(`/orgs/${t.clinic.org.id}/roles/writer`, { permissions: ['chats.read', 'chats.write'] }, 'PUT');
      const body = { to: 'records@clinic.example' };
      for (const role of ['exporter', 'writer']) {
        const answer = await api(await token(role, role), `/inbox/${ids.conversation}/close-and-email`, 'POST', body);
        expect([role, answer.status, answer.body.error.code]).toEqual([role, 403, 'forbidden']);
      }
      // Both granted: past the permission check (this hub has no SMTP, so 503 and still open).
      const both = await api(await token('both', 'staff'), `/inbox/${ids.conversation}/close-and-email`, 'POST', body);
      expect([both.status, both.body.error.code]).toEqual([503, 'not-configured']);
      expect((await api(await token('both', 'staff'), `/inbox/${ids.conversation}`)).body.conversation.status).toBe('open');
    });

    it('checks the socket too: no chats.read, no staff socket; chats.read without chats.write may watch but not write', async () => {
      const blind = await TestClient.connect(t.hub.wsUrl, await token('blind', roleName('without', 'chats.read')));
      await blind.waitFor((f) => f.type === 'error');
      expect(blind.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'forbidden' });
      expect(await blind.closed()).toBe(4003);
      blind.kill();

      const reader = await t.connect(await token('reader', roleName('only', 'chats.read')));
      reader.send({ type: 'message', id: 'r1', thread: 'ana', from: { id: 'reader', name: 'Person reader', role: 'provider' }, text: 'hi', at: Date.now(), clock: 1 });
      expect(await reader.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'forbidden', ref: 'r1' });
      reader.send({ type: 'typing', from: 'reader', thread: 'ana', active: true });
      await reader.waitForCount((f) => f.type === 'error', 2);
      const ana = await t.connect(await token('ana', 'patient'));
      ana.send({ type: 'message', id: 'a2', thread: 'ana', from: { id: 'ana', name: 'Ana', role: 'patient' }, text: 'still there?', at: Date.now(), clock: 2 });
      await reader.waitFor((f) => f.type === 'message' && f.id === 'a2');
      expect(ana.frames.some((f) => f.type === 'message' && f.id === 'r1')).toBe(false);

      const writer = await t.connect(await token('writer', roleName('without', 'lists.manage')));
      writer.send({ type: 'message', id: 'w1', thread: 'ana', from: { id: 'writer', name: 'Person writer', role: 'provider' }, text: 'yes', at: Date.now(), clock: 1 });
      expect(await writer.waitFor((f) => f.type === 'ack' || f.type === 'error')).toMatchObject({ type: 'ack' });
    });

    it('an open staff socket follows a change of its role: no chats.write, its messages are refused; no chats.read, it is closed', async () => {
      const sam = await token('sam', 'admin');
      await api(sam, '/inbox/settings/roles/nurse', 'PUT', { permissions: ['chats.read', 'chats.write'] });
      const kim = await t.connect(await token('kim', 'nurse'));
      let clock = 0;
      const write = async () => {
        const id = `k${++clock}`;
        kim.send({ type: 'message', id, thread: 'ana', from: { id: 'kim', name: 'Person kim', role: 'provider' }, text: 'hello', at: Date.now(), clock });
        return kim.waitFor((f) => (f.type === 'ack' || f.type === 'error') && ('id' in f ? f.id === id : f.ref === id));
      };
      expect(await write()).toMatchObject({ type: 'ack' });
      await api(sam, '/inbox/settings/roles/nurse', 'PUT', { permissions: ['chats.read'] });
      await expect.poll(async () => (await write())?.type, { timeout: 5000, interval: 100 }).toBe('error');
      await api(sam, '/inbox/settings/roles/nurse', 'DELETE');
      expect(await kim.closed()).toBe(4003);
      expect(kim.frames.some((f) => f.type === 'error' && f.code === 'forbidden' && f.message.includes('no longer'))).toBe(true);
    });

    it('lists the default and defined roles; a token naming a role the org lacks is refused on REST and the socket', async () => {
      const roles = (await t.admin<RolesResponse>(`/orgs/${t.clinic.org.id}/roles`)).body.roles;
      expect(roles.find((r) => r.name === 'admin')).toEqual({ name: 'admin', permissions: [...PERMISSIONS], defined: false });
      expect(roles.find((r) => r.name === 'staff')?.defined).toBe(false);
      expect(roles.find((r) => r.name === 'only-audit-view')).toEqual({ name: 'only-audit-view', permissions: ['audit.view'], defined: true });

      const stranger = await token('x', 'receptionist');
      expect((await api(stranger, '/inbox')).status).toBe(401);
      const socket = await TestClient.connect(t.hub.wsUrl, stranger);
      expect(socket.frames.find((f) => f.type === 'error')).toMatchObject({ code: 'unauthorized', message: 'unknown role' });
      socket.kill();

      const badName = await t.admin(`/orgs/${t.clinic.org.id}/roles/patient`, { permissions: [] }, 'PUT');
      expect([badName.status, badName.body.error.code]).toEqual([400, 'invalid']);
      expect((await t.admin(`/orgs/${t.clinic.org.id}/roles/Front%20Desk`, { permissions: [] }, 'PUT')).status).toBe(400);
      expect((await t.admin(`/orgs/${t.clinic.org.id}/roles/desk`, { permissions: ['chats.fly'] }, 'PUT')).status).toBe(400);
      expect((await t.admin(`/orgs/${t.clinic.org.id}/roles/never-defined`, undefined, 'DELETE')).status).toBe(404);
      expect((await t.admin(`/orgs/org_nope/roles`)).status).toBe(404);
    });

    it('a change takes effect at once on this hub; an admin cannot take settings.manage from their own role; changes are audited', async () => {
      const lee = await token('lee', 'staff');
      expect((await api(lee, '/inbox')).status).toBe(200);
      expect((await api<DirectoryResponse>(lee, '/inbox/directory')).body.me.permissions).toEqual(['chats.read', 'chats.write', 'patients.create', 'transcripts.export']);

      const sam = await token('sam', 'admin');
      expect((await api(sam, '/inbox/settings/roles/staff', 'PUT', { permissions: ['chats.write'] })).status).toBe(200);
      expect((await api(lee, '/inbox')).status).toBe(403);
      expect((await api(sam, '/inbox/settings/roles/staff', 'DELETE')).status).toBe(200);
      expect((await api(lee, '/inbox')).status).toBe(200);

      const lockout = await api(sam, '/inbox/settings/roles/admin', 'PUT', { permissions: ['chats.read'] });
      expect([lockout.status, lockout.body.error.code]).toEqual([409, 'not-allowed']);
      expect((await api(sam, '/inbox/settings')).status).toBe(200);

      const other = await t.admin('/orgs', { name: 'Other clinic' });
      expect(other.status).toBe(201);
      const theirs = (await t.admin<RolesResponse>(`/orgs/${other.body.id}/roles`)).body.roles.map((r) => r.name);
      expect(theirs).toEqual(['admin', 'staff']);

      const entries = (await auditTrail(t.hub.ctx.db, t.clinic.org.id)).filter((e) => e.action.startsWith('role.'));
      expect(entries.some((e) => e.action === 'role.set' && e.subject_id === 'staff' && e.actor_kind === 'staff')).toBe(true);
      expect(entries.some((e) => e.action === 'role.delete' && e.subject_id === 'staff')).toBe(true);
    });
  });
});
