// Retention and legal hold from the inbox settings and the admin API, through a real hub on
// SQLite and PostgreSQL: who may set them, what a bad body gets, and that "Purge now" deletes
// a closed conversation past the retention while one on legal hold stays.
import { beforeEach, describe, expect, it } from 'vitest';
import type { InboxPageResponse, PurgeResponse, RetentionResponse } from '../../protocol/inbox.js';
import { auditTrail } from '../db/repositories/audit.js';
import type { Hub } from '../hub.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest, TEST_ADMIN_KEY } from '../testing/inbox-hub.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';

const DAY = 24 * 3600 * 1000;

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  let hub: Hub;
  let clinic: TestOrg;
  beforeEach(() => {
    hub = t.hub;
    clinic = t.clinic;
  });

  const token = (sub: string, role: 'staff' | 'admin' | 'patient', org = clinic) => org.mint({ sub, name: `Person ${sub}`, role });
  const api = <T = any>(bearer: string, path: string, method = 'GET', body?: unknown) => t.api<T>(bearer, path, { method, body });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hub.url}/admin${path}`, {
      method,
      headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const actions = async (org = clinic) => (await auditTrail(hub.ctx.db, org.org.id)).map((e) => e.action);

  /** A patient writes, staff closes the conversation, and its close is moved `daysAgo` into the past. */
  async function closedConversation(thread: string, daysAgo: number, staff: string): Promise<string> {
    const patient = await t.connect(await token(thread, 'patient'));
    patient.send({ type: 'message', id: `${thread}-1`, thread, from: { id: thread, name: thread, role: 'patient' }, text: 'a question', at: Date.now(), clock: 1 });
    await patient.waitFor((f) => f.type === 'ack');
    const id = (await api<InboxPageResponse>(staff, '/inbox')).body.conversations.find((c) => c.thread === thread)!.id;
    expect((await api(staff, `/inbox/${id}/close`, 'POST')).status).toBe(200);
    await hub.ctx.db.updateTable('conversations').set({ closed_at: Date.now() - daysAgo * DAY }).where('id', '=', id).execute();
    return id;
  }

  describe('retention settings', () => {
    it('an admin reads and sets the retention (null keeps forever); each change is audited with the new value', async () => {
      const sam = await token('sam', 'admin');
      expect((await api(sam, '/inbox/settings/retention')).body).toEqual({ days: null });
      expect((await api(sam, '/inbox/settings/retention', 'PUT', { days: 30 })).body).toEqual({ days: 30 });
      expect((await api(sam, '/inbox/settings/retention')).body).toEqual({ days: 30 });
      expect((await api(sam, '/inbox/settings/retention', 'PUT', { days: null })).body).toEqual({ days: null });
      expect((await api(sam, '/inbox/settings/retention')).body).toEqual({ days: null });
      const sets = (await auditTrail(hub.ctx.db, clinic.org.id)).filter((e) => e.action === 'retention.set');
      expect(sets.map((e) => JSON.parse(e.detail!))).toEqual([{ days: 'forever' }, { days: 30 }]);
      expect(sets[0]).toMatchObject({ actor_kind: 'staff', subject_type: 'org', subject_id: clinic.org.id });
    });

    it('refuses bad bodies (400 invalid), staff without settings.manage and patients (403), and changes nothing', async () => {
      const sam = await token('sam', 'admin');
      const lee = await token('lee', 'staff');
      const ana = await token('ana', 'patient');
      for (const body of [{ days: 0 }, { days: 36_501 }, { days: 1.5 }, { days: '30' }, {}, { days: -1 }]) {
        const res = await api(sam, '/inbox/settings/retention', 'PUT', body);
        expect([res.status, res.body.error.code]).toEqual([400, 'invalid']);
      }
      expect((await api(sam, '/inbox/settings/retention', 'PUT', { days: 36_500 })).status).toBe(200);
      expect((await api(sam, '/inbox/settings/retention', 'PUT', { days: 1 })).status).toBe(200);
      for (const [who, bearer] of [['staff', lee], ['patient', ana]] as const) {
        expect((await api(bearer, '/inbox/settings/retention')).status, who).toBe(403);
        expect((await api(bearer, '/inbox/settings/retention', 'PUT', { days: 5 })).status, who).toBe(403);
        expect((await api(bearer, '/inbox/settings/purge', 'POST')).status, who).toBe(403);
      }
      expect((await api(sam, '/inbox/settings/retention')).body).toEqual({ days: 1 });
      // Another org's admin sets their own org's retention, never this one's.
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      expect((await api(await token('eve', 'admin', other), '/inbox/settings/retention', 'PUT', { days: 9 })).status).toBe(200);
      expect((await api(sam, '/inbox/settings/retention')).body).toEqual({ days: 1 });
    });
  });

  describe('legal hold and purge now', () => {
    it('purge now deletes a closed conversation past the retention; one on legal hold, or closed recently, stays', async () => {
      const sam = await token('sam', 'admin');
      const held = await closedConversation('ana', 40, sam);
      const expired = await closedConversation('ben', 40, sam);
      const recent = await closedConversation('cy', 2, sam);
      const watcher = await t.connect(sam);
      const hold = await api(sam, `/inbox/${held}/legal-hold`, 'PUT', { hold: true });
      expect(hold.body).toEqual({ hold: true });
      await watcher.waitFor((f) => f.type === 'inbox' && f.conversation.id === held && f.conversation.legalHold);
      expect((await api(sam, `/inbox/${held}`)).body.conversation).toMatchObject({ legalHold: true });
      expect((await api(sam, `/inbox/${expired}`)).body.conversation).toMatchObject({ legalHold: false });

      // No retention yet: nothing goes.
      expect((await api<PurgeResponse>(sam, '/inbox/settings/purge', 'POST')).body).toEqual({ days: null, conversations: 0, messages: 0, attachments: 0, patients: 0 });
      await api(sam, '/inbox/settings/retention', 'PUT', { days: 30 });
      const purged = await api<PurgeResponse>(sam, '/inbox/settings/purge', 'POST');
      expect(purged.body).toEqual({ days: 30, conversations: 1, messages: 1, attachments: 0, patients: 1 });
      expect((await api(sam, `/inbox/${expired}`)).status).toBe(404);
      expect((await api(sam, `/inbox/${held}`)).status).toBe(200);
      expect((await api(sam, `/inbox/${recent}`)).status).toBe(200);

      // Off hold, the next purge takes it.
      expect((await api(sam, `/inbox/${held}/legal-hold`, 'PUT', { hold: false })).body).toEqual({ hold: false });
      expect((await api<PurgeResponse>(sam, '/inbox/settings/purge', 'POST')).body).toMatchObject({ conversations: 1 });
      expect((await api(sam, `/inbox/${held}`)).status).toBe(404);

      const trail = await auditTrail(hub.ctx.db, clinic.org.id);
      const holds = trail.filter((e) => e.action === 'conversation.legal-hold');
      expect(holds.map((e) => [e.subject_id, JSON.parse(e.detail!)])).toEqual([
        [held, { hold: false }],
        [held, { hold: true }],
      ]);
      expect(trail.filter((e) => e.action === 'retention.purge-now').map((e) => JSON.parse(e.detail!).conversations)).toEqual([1, 1, 0]);
      expect(trail.filter((e) => e.action === 'retention.purge')).toHaveLength(2);
      for (const e of trail) expect(e.detail ?? '').not.toContain('a question');
    });

    it('refuses a legal hold on an unknown or another org\'s conversation (404), a bad body (400), and without settings.manage (403)', async () => {
      const sam = await token('sam', 'admin');
      const lee = await token('lee', 'staff');
      const id = await closedConversation('ana', 1, sam);
      expect((await api(sam, '/inbox/cnv_nope/legal-hold', 'PUT', { hold: true })).status).toBe(404);
      expect((await api(sam, `/inbox/${id}/legal-hold`, 'PUT', { hold: 'yes' })).body.error.code).toBe('invalid');
      expect((await api(lee, `/inbox/${id}/legal-hold`, 'PUT', { hold: true })).status).toBe(403);
      expect((await api(await token('ana', 'patient'), `/inbox/${id}/legal-hold`, 'PUT', { hold: true })).status).toBe(403);
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      expect((await api(await token('eve', 'admin', other), `/inbox/${id}/legal-hold`, 'PUT', { hold: true })).status).toBe(404);
      expect((await api(sam, `/inbox/${id}`)).body.conversation.legalHold).toBe(false);
      expect(await actions()).not.toContain('conversation.legal-hold');
    });
  });

  describe('admin key API', () => {
    it('sets an org\'s retention and purges it now, audited as the admin key; a bad body is 400, an unknown org 404', async () => {
      const sam = await token('sam', 'admin');
      const expired = await closedConversation('ana', 10, sam);
      expect((await admin('PUT', `/orgs/${clinic.org.id}/retention`, { days: 7 })).body).toEqual({ days: 7 });
      expect((await admin('GET', `/orgs/${clinic.org.id}/retention`)).body).toEqual({ days: 7 });
      expect((await api<RetentionResponse>(sam, '/inbox/settings/retention')).body).toEqual({ days: 7 });
      expect((await admin('PUT', `/orgs/${clinic.org.id}/retention`, { days: 0 })).body.error.code).toBe('invalid');
      expect((await admin('PUT', '/orgs/org_nope/retention', { days: 7 })).status).toBe(404);
      expect((await admin('POST', '/orgs/org_nope/purge')).status).toBe(404);
      expect((await admin('POST', `/orgs/${clinic.org.id}/purge`)).body).toEqual({ days: 7, conversations: 1, messages: 1, attachments: 0, patients: 1 });
      expect((await api(sam, `/inbox/${expired}`)).status).toBe(404);
      const trail = await auditTrail(hub.ctx.db, clinic.org.id);
      expect(trail.find((e) => e.action === 'retention.set')).toMatchObject({ actor_kind: 'admin-key', detail: JSON.stringify({ days: 7 }) });
      expect(trail.find((e) => e.action === 'retention.purge-now')).toMatchObject({ actor_kind: 'admin-key' });
    });
  });
});
