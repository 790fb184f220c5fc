// The name patients see for a staff member: their own default and one per conversation, through
// a real hub on SQLite and PostgreSQL, down to the frames a patient's socket receives.
import { describe, expect, it } from 'vitest';
import type { DirectoryResponse, DisplayNameResponse, InboxPageResponse } from '../../protocol/inbox.js';
import { auditTrail } from '../db/repositories/audit.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { createTestOrg } from '../testing/tokens.js';
import type { TestClient } from '../testing/ws-client.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  const token = (sub: string, role: string, name = `Person ${sub}`) => t.clinic.mint({ sub, name, role });
  const api = <T = any>(bearer: string, path: string, method = 'GET', body?: unknown) => t.api<T>(bearer, path, { method, body });

  /** A patient who wrote once, connected; and their conversation's id. */
  async function patient(id: string): Promise<{ socket: TestClient; conversation: string }> {
    const socket = await t.connect(await token(id, 'patient', id.toUpperCase()));
    socket.send({ type: 'message', id: `${id}-1`, thread: id, from: { id, name: id, role: 'patient' }, text: 'hello', at: Date.now(), clock: 1 });
    await socket.waitFor((f) => f.type === 'ack');
    const page = await api<InboxPageResponse>(await token('lee', 'staff', 'Dr. Jamie Lee'), '/inbox');
    return { socket, conversation: page.body.conversations.find((c) => c.thread === id)!.id };
  }

  let clock = 0;
  async function reply(staff: TestClient, thread: string, text: string): Promise<string | undefined> {
    const id = `r${++clock}`;
    staff.send({ type: 'message', id, thread, from: { id: 'lee', name: 'ignored', role: 'provider' }, text, at: Date.now(), clock });
    await staff.waitFor((f) => f.type === 'ack' && f.id === id);
    return id;
  }
  const nameSeen = async (socket: TestClient, id: string) => {
    const frame = await socket.waitFor((f) => f.type === 'message' && f.id === id);
    return frame?.type === 'message' ? frame.from.name : undefined;
  };

  describe('display names', () => {
    it('patients see the staff member\'s own display name, or the one set for their conversation; null goes back', async () => {
      const lee = await token('lee', 'staff', 'Dr. Jamie Lee');
      const ana = await patient('ana');
      const ben = await patient('ben');
      const staff = await t.connect(lee);

      expect(await nameSeen(ana.socket, (await reply(staff, 'ana', 'one'))!)).toBe('Dr. Jamie Lee');
      expect((await api(lee, '/inbox/me/display-name', 'PUT', { name: '  Dr. Lee  ' })).body).toEqual({ own: 'Dr. Lee', name: 'Dr. Lee' });
      expect((await api<DirectoryResponse>(lee, '/inbox/directory')).body.me.displayName).toBe('Dr. Lee');
      expect(await nameSeen(ana.socket, (await reply(staff, 'ana', 'two'))!)).toBe('Dr. Lee');

      const set = await api<DisplayNameResponse>(lee, `/inbox/${ben.conversation}/display-name`, 'PUT', { name: 'Jamie' });
      expect(set.body).toEqual({ name: 'Jamie', conversation: 'Jamie', own: 'Dr. Lee' });
      expect(await nameSeen(ben.socket, (await reply(staff, 'ben', 'three'))!)).toBe('Jamie');
      expect(await nameSeen(ana.socket, (await reply(staff, 'ana', 'four'))!)).toBe('Dr. Lee');

      // What was sent keeps its name, in the history too.
      const history = await api(await token('ben', 'patient', 'BEN'), `/conversations/${ben.conversation}/messages`);
      expect(history.body.messages.map((m: { author: { name: string } }) => m.author.name)).toEqual(['BEN', 'Jamie']);

      await api(lee, `/inbox/${ben.conversation}/display-name`, 'PUT', { name: null });
      await api(lee, '/inbox/me/display-name', 'PUT', { name: null });
      expect((await api<DisplayNameResponse>(lee, `/inbox/${ben.conversation}/display-name`)).body).toEqual({ name: 'Dr. Jamie Lee', conversation: null, own: null });
      expect(await nameSeen(ben.socket, (await reply(staff, 'ben', 'five'))!)).toBe('Dr. Jamie Lee');

      const entries = (await auditTrail(t.hub.ctx.db, t.clinic.org.id)).filter((e) => e.action.endsWith('display-name'));
      expect(entries).toHaveLength(4);
      expect(JSON.stringify(entries)).not.toContain('Jamie');
    });

    it('refuses bad names (400), foreign or unknown conversations (404), patients and roles without chats.write (403)', async () => {
      const lee = await token('lee', 'staff');
      const ana = await patient('ana');
      expect((await api(lee, '/inbox/me/display-name', 'PUT', { name: '   ' })).status).toBe(400);
      expect((await api(lee, '/inbox/me/display-name', 'PUT', { name: 'x'.repeat(500) })).status).toBe(400);
      expect((await api(lee, '/inbox/me/display-name', 'PUT', {})).status).toBe(400);
      expect((await api(lee, '/inbox/cnv_nope/display-name', 'PUT', { name: 'Dr. L' })).status).toBe(404);
      expect((await api(await token('ana', 'patient'), '/inbox/me/display-name', 'PUT', { name: 'Doctor' })).status).toBe(403);
      await t.admin(`/orgs/${t.clinic.org.id}/roles/reader`, { permissions: ['chats.read'] }, 'PUT');
      expect((await api(await token('rita', 'reader'), `/inbox/${ana.conversation}/display-name`, 'PUT', { name: 'Dr. R' })).status).toBe(403);

      const theirs = await createTestOrg(t.hub.ctx, { name: 'Theirs' });
      const eve = await theirs.mint({ sub: 'eve', name: 'Eve', role: 'staff' });
      expect((await api(eve, `/inbox/${ana.conversation}/display-name`, 'PUT', { name: 'Dr. E' })).status).toBe(404);
      expect((await api(eve, `/inbox/${ana.conversation}/display-name`)).status).toBe(404);
    });
  });
});
