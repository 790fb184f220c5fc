// The timeline's events through a real hub: the system events the hub's actions record, the
// vendor's call summaries and emails, live to staff sockets and never to patients, on SQLite
// and on PostgreSQL.
import { beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryResponse, InboxPageResponse } from '../../protocol/inbox.js';
import type { TimelineEvent, TimelineEventsResponse } from '../../protocol/timeline.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  const { api, admin, connect } = t;
  let clinic: TestOrg;
  beforeEach(() => {
    clinic = t.clinic;
  });

  const staffToken = (sub: string, org = clinic) => org.mint({ sub, name: `Dr ${sub}`, role: 'staff' });
  const patientToken = (sub: string, visit?: string) => clinic.mint({ sub, name: sub.toUpperCase(), role: 'patient', ...(visit && { visit }) });
  let n = 0;
  async function write(token: string, thread: string, text: string, role: 'patient' | 'provider' = 'patient') {
    const client = await connect(token);
    client.send({ type: 'message', id: `m${++n}-${Date.now()}`, thread, from: { id: thread, name: thread, role }, text, at: Date.now(), clock: n });
    await client.waitFor((f) => f.type === 'ack');
    return client;
  }
  const conversationOf = async (token: string, thread: string) => (await api<InboxPageResponse>(token, '/inbox?status=closed')).body.conversations.concat((await api<InboxPageResponse>(token, '/inbox')).body.conversations).find((c) => c.thread === thread)!.id;
  const eventsOf = async (token: string, id: string) => (await api<TimelineEventsResponse>(token, `/inbox/${id}/events`)).body.events;
  const kinds = (events: TimelineEvent[]) => events.map((e) => e.kind);

  describe('the timeline', () => {
    it('records claim, assignment, hand-off, urgency, close and reopen with who did it, in order', async () => {
      const lee = await staffToken('lee');
      const kim = await staffToken('kim');
      await write(await patientToken('ana'), 'ana', 'hello');
      const id = await conversationOf(lee, 'ana');
      const me = async (token: string) => (await api<DirectoryResponse>(token, '/inbox/directory')).body.me.id;
      const [leeId, kimId] = [await me(lee), await me(kim)];
      await api(lee, `/inbox/${id}/claim`, { body: {} });
      await api(lee, `/inbox/${id}/assign`, { body: { to: { kind: 'staff', id: leeId } } });
      await api(lee, `/inbox/${id}/assign`, { body: { to: { kind: 'staff', id: kimId } } });
      await api(kim, `/inbox/${id}/urgency`, { body: { urgent: true } });
      // Saying it again changes nothing and records nothing.
      await api(kim, `/inbox/${id}/urgency`, { body: { urgent: true } });
      await api(kim, `/inbox/${id}/close`, { body: {} });
      await api(kim, `/inbox/${id}/close`, { body: {} });
      await api(lee, `/inbox/${id}/reopen`, { body: {} });
      const events = await eventsOf(lee, id);
      expect(kinds(events)).toEqual(['claimed', 'assigned', 'hand-off', 'urgent', 'closed', 'reopened']);
      expect(events[0]!.by).toEqual({ kind: 'staff', id: leeId, name: 'Dr lee' });
      expect(events[1]).toMatchObject({ to: { kind: 'staff', id: leeId, name: 'Dr lee' }, from: null });
      expect(events[2]).toMatchObject({ to: { kind: 'staff', id: kimId, name: 'Dr kim' }, from: { kind: 'staff', id: leeId, name: 'Dr lee' } });
      expect(events[3]).toMatchObject({ urgent: true, by: { name: 'Dr kim' } });
      expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b));
    });

    it('records a patient writing into a closed conversation as re-opening it, and a new visit as visit-started, each once', async () => {
      const lee = await staffToken('lee');
      const ana = await write(await patientToken('ana', 'v1'), 'ana', 'first');
      const id = await conversationOf(lee, 'ana');
      await api(lee, `/inbox/${id}/close`, { body: {} });
      ana.send({ type: 'message', id: 'again-1', thread: 'ana', from: { id: 'ana', name: 'ana', role: 'patient' }, text: 'one more thing', at: Date.now(), clock: 50 });
      ana.send({ type: 'message', id: 'again-2', thread: 'ana', from: { id: 'ana', name: 'ana', role: 'patient' }, text: 'and another', at: Date.now(), clock: 51 });
      await ana.waitForCount((f) => f.type === 'ack', 3);
      await write(await patientToken('ana', 'v2'), 'ana', 'new visit');
      await expect.poll(async () => kinds(await eventsOf(lee, id))).toEqual(['visit-started', 'closed', 'reopened', 'visit-started']);
      const events = await eventsOf(lee, id);
      expect(events[2]!.by).toMatchObject({ kind: 'patient', name: 'ANA' });
      expect(events.filter((e) => e.kind === 'visit-started').map((e) => e.visit)).toEqual(['v1', 'v2']);
    });

    it('records the end of a visit chat, from either side', async () => {
      const lee = await staffToken('lee');
      const ana = await write(await patientToken('ana', 'v1'), 'ana', 'hi');
      const id = await conversationOf(lee, 'ana');
      ana.send({ type: 'ended', from: 'ana', thread: 'ana', at: Date.now() });
      await expect.poll(async () => kinds(await eventsOf(lee, id))).toContain('visit-ended');
      expect((await eventsOf(lee, id)).find((e) => e.kind === 'visit-ended')).toMatchObject({ visit: 'v1', by: { kind: 'patient' } });
    });

    it('takes call summaries and emails from the vendor, once per id, live to staff and never to the patient', async () => {
      const lee = await staffToken('lee');
      const ana = await write(await patientToken('ana'), 'ana', 'hello');
      const id = await conversationOf(lee, 'ana');
      const staff = await connect(lee);
      const call = { kind: 'call', id: 'call-77', call: { outcome: 'Left a voicemail', durationSec: 95, recordingUrl: 'https://vendor.example/rec/77' } };
      const first = await admin(`/orgs/${clinic.org.id}/patients/ana/timeline`, call);
      expect(first.status).toBe(201);
      expect(first.body.event).toMatchObject({ kind: 'call', call: call.call, by: { kind: 'vendor' }, conversation: id });
      // The vendor retries: stored once.
      const again = await admin(`/orgs/${clinic.org.id}/patients/ana/timeline`, call);
      expect(again.status).toBe(200);
      expect(again.body.event.id).toBe(first.body.event.id);
      const email = await admin(`/orgs/${clinic.org.id}/patients/ana/timeline`, { kind: 'email', id: 'mail-1', at: 1_700_000_000_000, email: { subject: 'Your lab results', snippet: 'Dear Ana…', link: 'https://vendor.example/mail/1' } });
      expect(email.status).toBe(201);
      const live = await staff.waitFor((f) => f.type === 'event' && f.event.kind === 'email');
      expect(live).toMatchObject({ type: 'event', event: { conversation: id, email: { subject: 'Your lab results' } } });
      expect(kinds(await eventsOf(lee, id))).toEqual(['email', 'call']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ana.frames.some((f) => f.type === 'event')).toBe(false);
    });

    it('refuses bad vendor input, unknown patients, foreign orgs, patients reading events and an unknown conversation', async () => {
      const lee = await staffToken('lee');
      await write(await patientToken('ana'), 'ana', 'hello');
      const id = await conversationOf(lee, 'ana');
      const path = `/orgs/${clinic.org.id}/patients/ana/timeline`;
      for (const body of [
        { kind: 'call', id: 'c1', call: { outcome: 'ok', durationSec: -1 } },
        { kind: 'call', id: 'c1', call: { outcome: 'ok', durationSec: 5, recordingUrl: 'javascript:alert(1)' } },
        { kind: 'email', id: 'e1', email: { subject: '' } },
        { kind: 'fax', id: 'f1' },
      ]) {
        const res = await admin(path, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('invalid');
      }
      expect((await admin(`/orgs/${clinic.org.id}/patients/nobody/timeline`, { kind: 'email', id: 'e', email: { subject: 's' } })).status).toBe(404);
      expect((await eventsOf(lee, id)).length).toBe(0);
      const other = await createTestOrg(t.hub.ctx, { id: 'org_other', name: 'Other clinic' });
      expect((await api(await staffToken('zed', other), `/inbox/${id}/events`)).status).toBe(404);
      expect((await api(await patientToken('ana'), `/inbox/${id}/events`)).status).toBe(403);
      expect((await api(lee, `/inbox/cnv_nope/events`)).status).toBe(404);
    });
  });
});
