// The inbox's settings (admins only: teams, members, who is told about Unassigned), urgency,
// and the inbox frame a stored message publishes, through a real hub on SQLite and PostgreSQL.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryResponse, InboxPageResponse, SettingsResponse } from '../../protocol/inbox.js';
import { auditTrail } from '../db/repositories/audit.js';
import type { Hub } from '../hub.js';
import { eachDialect } from '../testing/databases.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  const { connect } = t;
  let hub: Hub;
  let clinic: TestOrg;
  beforeEach(() => {
    hub = t.hub;
    clinic = t.clinic;
  });

  const token = (sub: string, role: 'staff' | 'admin' | 'patient', org = clinic) => org.mint({ sub, name: `Person ${sub}`, role });

  const api = <T = any>(bearer: string, path: string, method = 'GET', body?: unknown) => t.api<T>(bearer, path, { method, body });

  /** The staff id (internal) of a token's person: the directory says who "me" is. */
  const idOf = async (bearer: string) => (await api<DirectoryResponse>(bearer, '/inbox/directory')).body.me.id;

  describe('inbox settings and urgency', () => {
    it('an admin manages teams and members from the inbox; every staff socket reloads its directory; each change is audited', async () => {
      const sam = await token('sam', 'admin');
      const lee = await token('lee', 'staff');
      const leeId = await idOf(lee);
      const watcher = await connect(lee);

      const created = await api(sam, '/inbox/settings/lists', 'POST', { name: 'Nurses' });
      expect(created.status).toBe(201);
      const listId = created.body.list.id as string;
      await watcher.waitFor((f) => f.type === 'inbox-directory');
      expect((await api(sam, `/inbox/settings/lists/${listId}/members/${leeId}`, 'PUT')).status).toBe(200);
      expect((await api<DirectoryResponse>(lee, '/inbox/directory')).body.lists).toEqual([{ id: listId, name: 'Nurses', members: [leeId] }]);
      expect((await api(sam, `/inbox/settings/lists/${listId}`, 'PATCH', { name: 'Nursing team' })).status).toBe(200);
      const settings = await api<SettingsResponse>(sam, '/inbox/settings');
      expect(settings.body.lists).toEqual([{ id: listId, name: 'Nursing team', members: [leeId] }]);
      expect(settings.body.staff.find((s) => s.id === leeId)).toMatchObject({ notifyUnassigned: false, role: 'staff' });

      expect((await api(sam, `/inbox/settings/staff/${leeId}/notify-unassigned`, 'PUT', { on: true })).body).toEqual({ on: true });
      expect((await api<DirectoryResponse>(lee, '/inbox/directory')).body.me.notifyUnassigned).toBe(true);
      expect((await api(sam, `/inbox/settings/lists/${listId}/members/${leeId}`, 'DELETE')).status).toBe(200);
      expect((await api(sam, `/inbox/settings/lists/${listId}`, 'DELETE')).status).toBe(200);
      expect((await api<DirectoryResponse>(lee, '/inbox/directory')).body.lists).toEqual([]);

      const actions = (await auditTrail(hub.ctx.db, clinic.org.id)).map((e) => e.action);
      for (const a of ['list.create', 'list.member.add', 'list.rename', 'staff.notify-unassigned', 'list.member.remove', 'list.delete']) expect(actions).toContain(a);
    });

    it('refuses the settings to staff and patients (403), unknown or foreign ids (404), bad bodies (400), and changes nothing', async () => {
      const sam = await token('sam', 'admin');
      const lee = await token('lee', 'staff');
      const ana = await token('ana', 'patient');
      expect((await api(lee, '/inbox/settings')).status).toBe(403);
      expect((await api(lee, '/inbox/settings/lists', 'POST', { name: 'Mine' })).status).toBe(403);
      expect((await api(ana, '/inbox/settings')).status).toBe(403);
      expect((await api(sam, '/inbox/settings/lists', 'POST', { name: '  ' })).body.error.code).toBe('invalid');
      expect((await api(sam, '/inbox/settings/lists', 'POST', { name: 'x'.repeat(500) })).status).toBe(400);
      expect((await api(sam, '/inbox/settings/lists/lst_nope', 'DELETE')).status).toBe(404);
      const nurses = (await api(sam, '/inbox/settings/lists', 'POST', { name: 'Nurses' })).body.list.id as string;
      const desk = (await api(sam, '/inbox/settings/lists', 'POST', { name: 'Desk' })).body.list.id as string;
      const twice = await api(sam, '/inbox/settings/lists', 'POST', { name: 'Nurses' });
      expect([twice.status, twice.body.error.code]).toEqual([409, 'invalid']);
      expect((await api(sam, `/inbox/settings/lists/${desk}`, 'PATCH', { name: 'Nurses' })).status).toBe(409);
      expect((await api<SettingsResponse>(sam, '/inbox/settings')).body.lists.map((l) => l.name).sort()).toEqual(['Desk', 'Nurses']);
      await api(sam, `/inbox/settings/lists/${nurses}`, 'DELETE');
      await api(sam, `/inbox/settings/lists/${desk}`, 'DELETE');
      expect((await api(sam, `/inbox/settings/staff/stf_nope/notify-unassigned`, 'PUT', { on: true })).status).toBe(404);

      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      const eve = await token('eve', 'admin', other);
      const theirs = (await api(eve, '/inbox/settings/lists', 'POST', { name: 'Theirs' })).body.list.id as string;
      const leeId = await idOf(lee);
      expect((await api(sam, `/inbox/settings/lists/${theirs}`, 'PATCH', { name: 'Taken' })).status).toBe(404);
      expect((await api(sam, `/inbox/settings/lists/${theirs}/members/${leeId}`, 'PUT')).status).toBe(404);
      expect((await api(eve, `/inbox/settings/staff/${leeId}/notify-unassigned`, 'PUT', { on: true })).status).toBe(404);
      expect((await api<SettingsResponse>(eve, '/inbox/settings')).body.lists).toEqual([{ id: theirs, name: 'Theirs', members: [] }]);
      expect((await api<SettingsResponse>(sam, '/inbox/settings')).body.lists).toEqual([]);
    });

    it('a stored patient message publishes the conversation to staff sockets, the last state last, never to patients', async () => {
      const lee = await token('lee', 'staff');
      const watcher = await connect(lee);
      const ana = await connect(await token('ana', 'patient'));
      for (let i = 0; i < 20; i++) ana.send({ type: 'message', id: `m${i}`, thread: 'ana', from: { id: 'ana', name: 'Ana', role: 'patient' }, text: `burst ${i}`, at: Date.now(), clock: i + 1 });
      await ana.waitForCount((f) => f.type === 'ack', 20);
      const last = await watcher.waitFor((f) => f.type === 'inbox' && f.conversation.lastSeq === 20);
      expect(last).toMatchObject({ conversation: { preview: 'burst 19', lastAuthor: 'patient', status: 'open' } });
      expect(ana.frames.some((f) => f.type === 'inbox' || f.type === 'inbox-state' || f.type === 'inbox-directory')).toBe(false);
    });

    it('marks a conversation urgent: it sorts first for everyone, live, and a patient may not', async () => {
      const lee = await token('lee', 'staff');
      const ana = await connect(await token('ana', 'patient'));
      ana.send({ type: 'message', id: 'a1', thread: 'ana', from: { id: 'ana', name: 'Ana', role: 'patient' }, text: 'chest pain', at: Date.now(), clock: 1 });
      await ana.waitFor((f) => f.type === 'ack');
      const ben = await connect(await token('ben', 'patient'));
      ben.send({ type: 'message', id: 'b1', thread: 'ben', from: { id: 'ben', name: 'Ben', role: 'patient' }, text: 'billing', at: Date.now(), clock: 1 });
      await ben.waitFor((f) => f.type === 'ack');
      const page = async () => (await api<InboxPageResponse>(lee, '/inbox')).body.conversations.map((c) => c.thread);
      await expect.poll(page).toEqual(['ben', 'ana']);
      const anaId = (await api<InboxPageResponse>(lee, '/inbox')).body.conversations.find((c) => c.thread === 'ana')!.id;
      const watcher = await connect(lee);
      expect((await api(lee, `/inbox/${anaId}/urgency`, 'POST', { urgent: true })).body).toEqual({ urgent: true });
      await watcher.waitFor((f) => f.type === 'inbox' && f.conversation.id === anaId && f.conversation.urgency === 1);
      expect(await page()).toEqual(['ana', 'ben']);
      expect((await api(await token('ana', 'patient'), `/inbox/${anaId}/urgency`, 'POST', { urgent: false })).status).toBe(403);
      expect((await api(lee, `/inbox/${anaId}/urgency`, 'POST', { urgent: 'yes' })).status).toBe(400);
    });
  });
});
