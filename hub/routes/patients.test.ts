// Patients from the inbox: New chat's search and create, shared contacts and their primary, and
// merging two records of one person, through a real hub on SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest';
import type { ContactResponse, InboxPageResponse, PatientSearchResponse } from '../../protocol/inbox.js';
import type { TimelineEventsResponse } from '../../protocol/timeline.js';
import { auditTrail } from '../db/repositories/audit.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { createTestOrg } from '../testing/tokens.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  const token = (sub: string, role: string, name = `Person ${sub}`) => t.clinic.mint({ sub, name, role });
  const api = <T = any>(bearer: string, path: string, method = 'GET', body?: unknown) => t.api<T>(bearer, path, { method, body });
  const upsert = (body: Record<string, unknown>) => t.admin(`/orgs/${t.clinic.org.id}/patients`, body);
  const find = async (bearer: string, q: string) => (await api<PatientSearchResponse>(bearer, `/inbox/patients?q=${encodeURIComponent(q)}`)).body.patients.map((p) => p.externalId);

  async function says(id: string, text: string, name: string, clock = 1) {
    const socket = await t.connect(await token(id, 'patient', name));
    socket.send({ type: 'message', id: `${id}-${clock}`, thread: id, from: { id, name: id, role: 'patient' }, text, at: Date.now(), clock });
    await socket.waitFor((f) => f.type === 'ack');
    socket.kill();
  }
  const conversationOf = async (bearer: string, thread: string) => (await api<InboxPageResponse>(bearer, '/inbox?status=open')).body.conversations.find((c) => c.thread === thread)?.id;

  describe('patients from the inbox', () => {
    it('New chat finds patients by part of the name, the digits of a phone however written, or the start of an external id', async () => {
      const lee = await token('lee', 'staff');
      await upsert({ externalId: 'mrn-1001', name: 'Ana Ortiz', phone: '+1 (555) 010-2000' });
      await upsert({ externalId: 'mrn-1002', name: 'Ben Ortega', phone: '555.010.3000' });
      await upsert({ externalId: 'walk-in-7', name: 'Cleo 100% Real' });
      expect(await find(lee, 'orti')).toEqual(['mrn-1001']);
      expect(await find(lee, 'ORT')).toEqual(['mrn-1001', 'mrn-1002']);
      expect(await find(lee, '555 010 2000')).toEqual(['mrn-1001']);
      expect(await find(lee, '0103000')).toEqual(['mrn-1002']);
      expect(await find(lee, 'mrn-')).toEqual(['mrn-1001', 'mrn-1002']);
      expect(await find(lee, '100%')).toEqual(['walk-in-7']);
      expect(await find(lee, '%')).toEqual(['walk-in-7']);
      expect(await find(lee, '_')).toEqual([]);
      expect(await find(lee, '   ')).toEqual([]);
      // Any alphabet's case, on both databases (SQLite's own lower() knows ASCII only).
      await upsert({ externalId: 'mrn-2001', name: 'Émile Ørsted' });
      expect(await find(lee, 'ÉMILE')).toEqual(['mrn-2001']);
      expect(await find(lee, 'ørsted')).toEqual(['mrn-2001']);
      const other = await createTestOrg(t.hub.ctx, { name: 'Other' });
      expect(await find(await other.mint({ sub: 'eve', name: 'Eve', role: 'staff' }), 'ana')).toEqual([]);
      expect((await api(await token('ana', 'patient'), '/inbox/patients?q=ana')).status).toBe(403);
      const audited = (await auditTrail(t.hub.ctx.db, t.clinic.org.id)).filter((e) => e.action === 'patient.search');
      expect(JSON.stringify(audited)).not.toContain('orti');
    });

    it('creates a patient (patients.create); the first message starts the conversation, which the inbox then lists', async () => {
      const lee = await token('lee', 'staff');
      const created = await api(lee, '/inbox/patients', 'POST', { name: 'Dana Fox', phone: '+44 20 7946 0000' });
      expect(created.status).toBe(201);
      const dana = created.body.patient;
      expect(dana).toMatchObject({ name: 'Dana Fox', conversation: null, externalId: expect.stringMatching(/^pt-/) });
      expect(await conversationOf(lee, dana.externalId)).toBeUndefined();

      const staff = await t.connect(lee);
      staff.send({ type: 'message', id: 'first', thread: dana.externalId, from: { id: 'lee', name: 'Lee', role: 'provider' }, text: 'Hello Dana, this is the clinic.', at: Date.now(), clock: 1 });
      expect(await staff.waitFor((f) => f.type === 'ack' || f.type === 'error')).toMatchObject({ type: 'ack', seq: 1 });
      expect(await conversationOf(lee, dana.externalId)).toBeTruthy();
      expect((await api<PatientSearchResponse>(lee, '/inbox/patients?q=dana')).body.patients[0]!.conversation).toMatchObject({ status: 'open' });

      expect((await api(lee, '/inbox/patients', 'POST', { name: 'Again', externalId: dana.externalId })).status).toBe(409);
      expect((await api(lee, '/inbox/patients', 'POST', { name: '  ' })).status).toBe(400);
      expect((await api(lee, '/inbox/patients', 'POST', { name: 'X', phone: 'call me' })).status).toBe(400);
      expect((await api(lee, '/inbox/patients', 'POST', { name: 'X', locationId: 'loc_nope' })).status).toBe(404);
      await t.admin(`/orgs/${t.clinic.org.id}/roles/reader`, { permissions: ['chats.read', 'chats.write'] }, 'PUT');
      expect((await api(await token('rita', 'reader'), '/inbox/patients', 'POST', { name: 'Eli' })).status).toBe(403);
      expect((await auditTrail(t.hub.ctx.db, t.clinic.org.id)).some((e) => e.action === 'patient.create' && e.subject_id === dana.id)).toBe(true);
    });

    it('patients with one phone number share a contact: the first is primary, and the primary can change', async () => {
      const lee = await token('lee', 'staff');
      await upsert({ externalId: 'mum', name: 'Mara Diaz', phone: '+1 555 010 4000' });
      await upsert({ externalId: 'kid', name: 'Luca Diaz', phone: '+1 (555) 010-4000' });
      await upsert({ externalId: 'solo', name: 'Solo Person', phone: '+1 555 010 9999' });
      await says('kid', 'my throat hurts', 'Luca Diaz');
      await says('solo', 'hello', 'Solo Person');
      const kidConversation = (await conversationOf(lee, 'kid'))!;
      const contact = (await api<ContactResponse>(lee, `/inbox/${kidConversation}/contact`)).body;
      expect(contact.contact!.patients.map((p) => p.name)).toEqual(['Mara Diaz', 'Luca Diaz']);
      const [mum, kid] = contact.contact!.patients;
      expect(contact.contact!.primary).toBe(mum!.id);
      expect(contact.patient).toBe(kid!.id);
      expect((await api(lee, `/inbox/contacts/${contact.contact!.id}/primary`, 'PUT', { patient: kid!.id })).body).toEqual({ primary: kid!.id });
      expect((await api<ContactResponse>(lee, `/inbox/${kidConversation}/contact`)).body.contact!.primary).toBe(kid!.id);
      const soloConversation = (await conversationOf(lee, 'solo'))!;
      const solo = (await api<ContactResponse>(lee, `/inbox/${soloConversation}/contact`)).body;
      expect(solo.contact!.patients).toHaveLength(1);
      expect((await api(lee, `/inbox/contacts/${contact.contact!.id}/primary`, 'PUT', { patient: solo.patient })).status).toBe(404);
      // A number taken away leaves the contact, and its primary passes on.
      await upsert({ externalId: 'kid', name: 'Luca Diaz', phone: null });
      expect((await api<ContactResponse>(lee, `/inbox/${kidConversation}/contact`)).body.contact).toBeNull();
      const mumOnly = await t.hub.ctx.db.selectFrom('contacts').select('primary_patient_id').where('id', '=', contact.contact!.id).executeTakeFirstOrThrow();
      expect(mumOnly.primary_patient_id).toBe(mum!.id);
    });

    it('merges a duplicate record: its conversation, messages, cursors, opt-out and audit entries move; audited and in the timeline', async () => {
      const lee = await token('lee', 'staff');
      await upsert({ externalId: 'ana', name: 'Ana Ortiz', phone: '555 010 2000' });
      await upsert({ externalId: 'ana-dup', name: 'Ana M. Ortiz', phone: '555-010-2000' });
      await says('ana-dup', 'second record', 'Ana M. Ortiz');
      const duplicateConversation = (await conversationOf(lee, 'ana-dup'))!;
      const contact = (await api<ContactResponse>(lee, `/inbox/${duplicateConversation}/contact`)).body;
      const duplicate = contact.patient;
      const survivor = contact.contact!.patients.find((p) => p.externalId === 'ana')!.id;
      const db = t.hub.ctx.db;
      await db.updateTable('patients').set({ opted_out_at: 1_000 }).where('id', '=', duplicate).execute();
      // The survivor has no chat yet; New chat opens Ana's record, and staff merge the duplicate into it.
      const survivorChat = await db.insertInto('conversations').values({
        ...(await db.selectFrom('conversations').selectAll().where('id', '=', duplicateConversation).executeTakeFirstOrThrow()),
        id: 'cnv_survivor', patient_id: survivor, channel: 'note-only',
      }).execute();
      expect(survivorChat).toBeTruthy();

      const merged = await api(lee, `/inbox/cnv_survivor/merge`, 'POST', { duplicate });
      expect(merged.status).toBe(200);
      expect(merged.body).toEqual({ merged: duplicate, into: survivor, conversations: [duplicateConversation] });
      const moved = await db.selectFrom('conversations').select(['patient_id', 'channel']).where('id', '=', duplicateConversation).executeTakeFirstOrThrow();
      expect(moved).toEqual({ patient_id: survivor, channel: 'chat' });
      const authors = await db.selectFrom('messages').select('author_id').where('conversation_id', '=', duplicateConversation).where('author_kind', '=', 'patient').execute();
      expect(authors.map((a) => a.author_id)).toEqual([survivor]);
      const cursors = await db.selectFrom('read_cursors').select('participant_id').where('conversation_id', '=', duplicateConversation).where('participant_kind', '=', 'patient').execute();
      expect(cursors.every((c) => c.participant_id === survivor)).toBe(true);
      expect((await db.selectFrom('patients').select('opted_out_at').where('id', '=', survivor).executeTakeFirstOrThrow()).opted_out_at).toBe(1_000);
      const trail = await auditTrail(db, t.clinic.org.id);
      expect(trail.filter((e) => e.subject_type === 'patient' && e.subject_id === duplicate).map((e) => e.action)).toEqual(['patient.merged-into']);
      expect(trail.some((e) => e.action === 'patient.merge' && e.subject_id === survivor && e.actor_kind === 'staff')).toBe(true);
      const events = (await api<TimelineEventsResponse>(lee, `/inbox/${duplicateConversation}/events`)).body.events;
      expect(events.find((e) => e.kind === 'merged')).toMatchObject({ merged: { name: 'Ana M. Ortiz' } });
      // The chat is now Ana Ortiz's, under her thread; the duplicate is found no more and leaves the contact.
      expect((await api(lee, `/inbox/${duplicateConversation}`)).body.conversation).toMatchObject({ thread: 'ana', patient: { name: 'Ana Ortiz' } });
      expect(await find(lee, 'ortiz')).toEqual(['ana']);
      expect((await api<ContactResponse>(lee, `/inbox/${duplicateConversation}/contact`)).body.contact!.patients.map((p) => p.externalId)).toEqual(['ana']);
      // A token for a merged record this hub has not met writes nowhere: refused with a reason.
      // (One it had met still writes into the conversation it had, now the survivor's.)
      await upsert({ externalId: 'old-record', name: 'Ana Ortiz' });
      await db.updateTable('patients').set({ merged_into: survivor }).where('external_id', '=', 'old-record').execute();
      const ghost = await t.connect(await token('old-record', 'patient', 'Ana Ortiz'));
      ghost.send({ type: 'message', id: 'ghost-1', thread: 'old-record', from: { id: 'old-record', name: 'Ana Ortiz', role: 'patient' }, text: 'hello?', at: Date.now(), clock: 9 });
      expect(await ghost.waitFor((f) => f.type === 'error' || f.type === 'ack')).toMatchObject({ type: 'error', code: 'not-allowed', ref: 'ghost-1' });

      expect((await api(lee, `/inbox/cnv_survivor/merge`, 'POST', { duplicate })).status).toBe(404);
      expect((await api(lee, `/inbox/cnv_survivor/merge`, 'POST', { duplicate: survivor })).status).toBe(409);
      expect((await api(lee, `/inbox/cnv_survivor/merge`, 'POST', {})).status).toBe(400);
      await t.admin(`/orgs/${t.clinic.org.id}/roles/reader`, { permissions: ['chats.read', 'chats.write'] }, 'PUT');
      expect((await api(await token('rita', 'reader'), `/inbox/cnv_survivor/merge`, 'POST', { duplicate: survivor })).status).toBe(403);
      const other = await createTestOrg(t.hub.ctx, { name: 'Other' });
      expect((await api(await other.mint({ sub: 'eve', name: 'Eve', role: 'staff' }), `/inbox/cnv_survivor/merge`, 'POST', { duplicate })).status).toBe(404);
    });

    it('merges two records that both have a chat: the duplicate\'s messages follow the survivor\'s, in order, with notes and events; the patient gets them', async () => {
      const lee = await token('lee', 'staff');
      await says('ben', 'first record, one', 'Ben Okafor');
      const benSocket = await t.connect(await token('ben', 'patient', 'Ben Okafor'));
      await says('ben-2', 'second record, one', 'Ben Okafor');
      const first = (await conversationOf(lee, 'ben'))!;
      const second = (await conversationOf(lee, 'ben-2'))!;
      await api(lee, `/inbox/${second}/notes`, 'POST', { clientId: 'n1', text: 'same person as ben', mentions: [] });
      const db = t.hub.ctx.db;
      const duplicate = (await db.selectFrom('conversations').select('patient_id').where('id', '=', second).executeTakeFirstOrThrow()).patient_id;
      const merged = await api(lee, `/inbox/${first}/merge`, 'POST', { duplicate });
      expect(merged.status).toBe(200);
      const history = await api(lee, `/conversations/${first}/messages`);
      expect(history.body.messages.map((m: { seq: number; body: string }) => [m.seq, m.body])).toEqual([
        [1, 'first record, one'],
        [2, 'second record, one'],
      ]);
      expect((await api(lee, `/inbox/${first}/notes`)).body.notes.map((n: { text: string }) => n.text)).toEqual(['same person as ben']);
      expect((await api(lee, `/inbox/${first}`)).body.conversation).toMatchObject({ lastSeq: 2, preview: 'second record, one', status: 'open' });
      expect((await api(lee, `/inbox/${second}`)).body.conversation).toMatchObject({ status: 'closed' });
      // The survivor's page catches up with the joined history, and the next message goes on after it.
      benSocket.send({ type: 'resume', seen: [{ thread: 'ben', seq: 1 }] });
      await benSocket.waitFor((f) => f.type === 'message' && f.text === 'second record, one');
      benSocket.send({ type: 'message', id: 'ben-next', thread: 'ben', from: { id: 'ben', name: 'Ben Okafor', role: 'patient' }, text: 'thanks', at: Date.now(), clock: 5 });
      expect(await benSocket.waitFor((f) => f.type === 'ack' && f.id === 'ben-next')).toMatchObject({ seq: 3 });
      const authors = await db.selectFrom('messages').select('author_id').where('conversation_id', '=', first).where('author_kind', '=', 'patient').execute();
      expect(new Set(authors.map((a) => a.author_id))).toEqual(new Set([(await db.selectFrom('conversations').select('patient_id').where('id', '=', first).executeTakeFirstOrThrow()).patient_id]));
    });
  });
});
