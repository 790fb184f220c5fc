// Opt-out through a real hub: POST /v1/inbox/:id/opt-out is permanent, idempotent, audited with
// ids only and live; staff replies are then refused with `opted-out`, the patient still writes.
import { beforeEach, describe, expect, it } from 'vitest';
import type { InboxEntry, InboxPageResponse } from '../../protocol/inbox.js';
import type { Hub } from '../hub.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  const { api, connect } = t;
  let hub: Hub;
  let clinic: TestOrg;
  beforeEach(() => {
    hub = t.hub;
    clinic = t.clinic;
  });
  const staffToken = (sub: string, org = clinic) => org.mint({ sub, name: `Dr ${sub}`, role: 'staff' });
  const patientToken = (sub: string) => clinic.mint({ sub, name: sub.toUpperCase(), role: 'patient' });
  const entry = async (token: string, thread: string): Promise<InboxEntry> =>
    (await api<InboxPageResponse>(token, '/inbox')).body.conversations.find((c) => c.thread === thread)!;

  describe('opting a patient out of messages', () => {
    it('refuses staff replies with opted-out, still takes the patient’s messages, and cannot be undone by calling again', async () => {
      const lee = await staffToken('lee');
      const ana = await connect(await patientToken('ana'));
      ana.send({ type: 'message', id: 'a1', thread: 'ana', from: { id: 'ana', name: 'ana', role: 'patient' }, text: 'stop texting me', at: Date.now(), clock: 1 });
      await ana.waitFor((f) => f.type === 'ack');
      const before = await entry(lee, 'ana');
      expect(before.optedOutAt).toBeNull();
      const kimScreen = await connect(await staffToken('kim'));

      const first = await api<{ optedOut: boolean }>(lee, `/inbox/${before.id}/opt-out`, { method: 'POST' });
      expect(first).toMatchObject({ status: 200, body: { optedOut: true } });
      await kimScreen.waitFor((f) => f.type === 'inbox' && f.conversation.id === before.id && f.conversation.optedOutAt !== null);
      const at = (await entry(lee, 'ana')).optedOutAt;
      expect(at).toEqual(expect.any(Number));

      const second = await api<{ optedOut: boolean }>(lee, `/inbox/${before.id}/opt-out`, { method: 'POST' });
      expect(second).toMatchObject({ status: 200, body: { optedOut: true } });
      expect((await entry(lee, 'ana')).optedOutAt).toBe(at);
      const audits = await hub.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'patient.opt-out').execute();
      expect(audits).toHaveLength(1);
      expect(JSON.stringify(audits)).not.toContain('stop texting me');
      // In the timeline once, with who did it.
      const events = (await api<{ events: Array<{ kind: string; by: { name: string } }> }>(lee, `/inbox/${before.id}/events`)).body.events.filter((e) => e.kind === 'opted-out');
      expect(events).toMatchObject([{ kind: 'opted-out', by: { name: 'Dr lee' } }]);

      const dr = await connect(lee);
      dr.send({ type: 'message', id: 'r1', thread: 'ana', from: { id: 'lee', name: 'x', role: 'provider' }, text: 'are you sure?', at: Date.now(), clock: 2 });
      await dr.waitFor((f) => f.type === 'error' && f.code === 'opted-out' && f.ref === 'r1');
      ana.send({ type: 'message', id: 'a2', thread: 'ana', from: { id: 'ana', name: 'ana', role: 'patient' }, text: 'one more thing', at: Date.now(), clock: 3 });
      await ana.waitFor((f) => f.type === 'ack' && f.id === 'a2');
      expect(await entry(lee, 'ana')).toMatchObject({ preview: 'one more thing', lastAuthor: 'patient', lastSeq: 2 });
    });

    it('keeps internal notes writable after the opt-out: they never reach the patient', async () => {
      const lee = await staffToken('lee');
      const ana = await connect(await patientToken('ana'));
      ana.send({ type: 'message', id: 'a1', thread: 'ana', from: { id: 'ana', name: 'ana', role: 'patient' }, text: 'hi', at: Date.now(), clock: 1 });
      await ana.waitFor((f) => f.type === 'ack');
      const { id } = await entry(lee, 'ana');
      expect((await api(lee, `/inbox/${id}/opt-out`, { method: 'POST' })).status).toBe(200);
      expect((await api(lee, `/inbox/${id}/notes`, { body: { clientId: 'n1', text: 'patient asked us to stop', mentions: [] } })).status).toBe(201);
    });

    it('is for staff of the conversation’s org only: a patient gets 403, another org 404, nothing changes', async () => {
      const lee = await staffToken('lee');
      const ana = await connect(await patientToken('ana'));
      ana.send({ type: 'message', id: 'a1', thread: 'ana', from: { id: 'ana', name: 'ana', role: 'patient' }, text: 'hi', at: Date.now(), clock: 1 });
      await ana.waitFor((f) => f.type === 'ack');
      const { id } = await entry(lee, 'ana');
      expect(await api(await patientToken('ana'), `/inbox/${id}/opt-out`, { method: 'POST' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      expect(await api(await staffToken('eve', other), `/inbox/${id}/opt-out`, { method: 'POST' })).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
      expect((await entry(lee, 'ana')).optedOutAt).toBeNull();
    });
  });
});
