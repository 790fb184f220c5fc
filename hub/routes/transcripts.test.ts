// Transcripts through a real hub, on SQLite and on PostgreSQL: the export in each format with its
// headers, notes only in the internal copy, valid FHIR, who may export, what is audited; and
// close-and-email against a real SMTP server, which must accept the mail before anything closes.
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Permission } from '../../protocol/permissions.js';
import { InboxApi, InboxApiError, apiBaseOf } from '../../widget/inbox/inbox-api.js';
import { fhirErrors } from '../../protocol/testing/fhir-schema.js';
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { getOrCreateConversation } from '../db/repositories/conversations.js';
import { eventsOf } from '../db/repositories/events.js';
import { storeMessageIn, type MessageInput } from '../db/repositories/messages.js';
import { addNote } from '../db/repositories/notes.js';
import { upsertPatient, upsertStaff } from '../db/repositories/people.js';
import { setRole } from '../db/repositories/roles.js';
import { rolesChanged } from '../auth/permissions.js';
import type { UserEnv } from '../http/auth.js';
import { errorHandler } from '../http/errors.js';
import type { Hub } from '../hub.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { transcriptsApp } from './transcripts.js';

/** A real SMTP server on a free port: keeps every mail it accepts, or refuses them all while `refusing`. */
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
}, 30_000);

afterAll(() => smtp?.close());

beforeEach(() => {
  smtp.mails.splice(0);
  smtp.refusing = false;
});

const T0 = Date.UTC(2026, 2, 3, 9, 15, 0);

eachDialect((databases) => {
  const t = inboxHubPerTest(databases, () => ({ smtp: { url: smtp.url, from: 'Test Clinic records <records@clinic.example>' } }));
  const { api } = t;
  let hub: Hub;
  let clinic: TestOrg;
  beforeEach(() => {
    hub = t.hub;
    clinic = t.clinic;
  });
  const staffToken = (sub: string, org = clinic) => org.mint({ sub, name: `Dr ${sub}`, role: 'staff' });
  const patientToken = (sub: string) => clinic.mint({ sub, name: sub.toUpperCase(), role: 'patient' });

  /** Ana's conversation: her message with a photo, Dr Lee's answer, and Lee's internal note between them. */
  async function seed() {
    const db = hub.ctx.db;
    const org = clinic.org.id;
    const ana = await upsertPatient(db, org, { externalId: 'ana', name: 'Ana Alves' });
    const lee = await upsertStaff(db, org, { externalId: 'lee', name: 'Dr Lee', role: 'staff' });
    const conversation = await getOrCreateConversation(db, org, ana.id, null, T0 - 1000);
    await hub.ctx.blobs.put('seeded-knee', new Uint8Array(2048));
    const write = (input: Pick<MessageInput, 'authorKind' | 'authorId' | 'authorName' | 'body' | 'sentAt'> & Partial<MessageInput>) =>
      db.transaction().execute((trx) => storeMessageIn(trx, { orgId: org, conversationId: conversation.id, clientId: `c-${input.sentAt}`, attachments: [], ...input }, input.sentAt));
    await write({
      authorKind: 'patient',
      authorId: ana.id,
      authorName: 'Ana Alves',
      body: 'my knee hurts <since Monday>',
      sentAt: T0,
      attachments: [{ clientId: 'f1', name: 'knee.jpg', mime: 'image/jpeg', size: 2048, storageKey: 'seeded-knee' }],
    });
    await addNote(db, { orgId: org, conversationId: conversation.id, authorStaffId: lee.id, authorName: 'Dr Lee', clientId: 'n1', body: 'check the x-ray first', mentions: [] }, T0 + 30_000);
    await write({ authorKind: 'staff', authorId: lee.id, authorName: 'Dr Lee', body: 'Since when exactly?', sentAt: T0 + 60_000 });
    const attachment = await db.selectFrom('attachments').select('id').where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow();
    return { id: conversation.id, attachmentId: attachment.id };
  }

  /** A raw GET: transcripts are not JSON (except FHIR), so the body comes back as text with the headers. */
  async function get(token: string, path: string) {
    const res = await fetch(`${hub.url}/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** The transcript routes alone, in-process, for a staff member whose role grants `permissions`, over a context the test may alter. */
  async function appAs(permissions: Permission[], ctx: HubContext = hub.ctx) {
    const staff = await upsertStaff(hub.ctx.db, clinic.org.id, { externalId: 'sam', name: 'Sam', role: 'staff' });
    const identity: Identity = { orgId: clinic.org.id, kind: 'staff', role: 'staff', id: staff.id, externalId: 'sam', name: 'Sam', lists: [], expiresAt: Date.now() + 60_000, permissions };
    const app = new Hono<UserEnv>()
      .use(async (c, next) => {
        c.set('identity', identity);
        await next();
      })
      .route('/v1/inbox', transcriptsApp(ctx, hub.gateway.inbox));
    app.onError(errorHandler(ctx));
    return app;
  }

  const auditOf = (action: string) => hub.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  const statusOf = async (id: string) => (await hub.ctx.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  describe('GET /v1/inbox/:id/transcript', () => {
    it('exports plain text as a download: clinic, patient, each message with its author, time and attachments, and no notes', async () => {
      const { id } = await seed();
      const res = await get(await staffToken('lee'), `/inbox/${id}/transcript?format=text`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="transcript-${id}.txt"`);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.text).toContain('Chat transcript — Test Clinic');
      expect(res.text).toContain('Patient: Ana Alves (ana)');
      expect(res.text).toContain(`Opened: ${new Date(T0 - 1000).toISOString()}`);
      expect(res.text).toContain(`[${new Date(T0).toISOString()}] Ana Alves (patient):\n    my knee hurts <since Monday>\n    Attachment: knee.jpg (image/jpeg, 2.0 KB)`);
      expect(res.text).toContain('Dr Lee (care team):\n    Since when exactly?');
      expect(res.text).not.toContain('check the x-ray');
      // Text is the default format.
      const byDefault = await get(await staffToken('lee'), `/inbox/${id}/transcript`);
      expect(byDefault.headers.get('content-disposition')).toBe(`attachment; filename="transcript-${id}.txt"`);
    });

    it('serves the printable HTML page inline, escaped, under a CSP that lets nothing load or run', async () => {
      const { id } = await seed();
      const res = await get(await staffToken('lee'), `/inbox/${id}/transcript?format=html&tz=Europe/Berlin`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="transcript-${id}.html"`);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.text).toMatch(/^<!doctype html>/);
      expect(res.text).toContain('my knee hurts &lt;since Monday&gt;');
      expect(res.text).not.toContain('<since Monday>');
      expect(res.text).toContain('Times in Europe/Berlin');
      expect(res.text).toContain('2026-03-03 10:15:00');
      expect(res.text).not.toContain('check the x-ray');
      expect(res.text).not.toContain('<script');
    });

    it('adds the internal notes, marked as such, only with internal=1', async () => {
      const { id } = await seed();
      const lee = await staffToken('lee');
      const text = (await get(lee, `/inbox/${id}/transcript?format=text&internal=1`)).text;
      expect(text).toContain('Includes internal notes of the care team');
      expect(text).toContain(`[${new Date(T0 + 30_000).toISOString()}] Internal note — Dr Lee:\n    check the x-ray first`);
      // Between the two messages, in time order.
      expect(text.indexOf('my knee hurts')).toBeLessThan(text.indexOf('check the x-ray'));
      expect(text.indexOf('check the x-ray')).toBeLessThan(text.indexOf('Since when exactly?'));
      expect((await get(lee, `/inbox/${id}/transcript?format=html&internal=1`)).text).toContain('<span class="label">Internal note</span>');
      expect((await get(lee, `/inbox/${id}/transcript?format=text&internal=0`)).text).not.toContain('check the x-ray');
    });

    it('exports a FHIR R4 Bundle the official schema accepts: a Communication per message, attachments linked to the hub', async () => {
      const { id, attachmentId } = await seed();
      const lee = await staffToken('lee');
      const res = await get(lee, `/inbox/${id}/transcript?format=fhir`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/fhir+json');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="transcript-${id}.json"`);
      const bundle = JSON.parse(res.text);
      expect(fhirErrors(bundle)).toEqual([]);
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', identifier: { system: 'urn:clinic-chat:conversation', value: id } });
      expect(bundle.entry).toHaveLength(2);
      const [question, answer] = bundle.entry.map((e: { resource: unknown }) => e.resource);
      expect(question).toMatchObject({
        subject: { type: 'Patient', identifier: { value: 'ana' }, display: 'Ana Alves' },
        sender: { type: 'Patient' },
        recipient: [{ type: 'Practitioner', identifier: { system: 'urn:clinic-chat:staff', value: 'lee' } }],
        sent: new Date(T0).toISOString(),
        payload: [{ contentString: 'my knee hurts <since Monday>' }, { contentAttachment: { contentType: 'image/jpeg', title: 'knee.jpg', size: 2048, url: `${hub.url}/v1/attachments/${attachmentId}` } }],
      });
      expect(answer).toMatchObject({ sender: { type: 'Practitioner', display: 'Dr Lee' }, inResponseTo: [{ reference: bundle.entry[0].fullUrl }] });
      // The attachment link is the hub's own route: with a token, it serves the file.
      const file = await fetch(question.payload[1].contentAttachment.url, { headers: { Authorization: `Bearer ${lee}` } });
      expect(file.status).toBe(200);
      expect((await file.arrayBuffer()).byteLength).toBe(2048);

      const internal = JSON.parse((await get(lee, `/inbox/${id}/transcript?format=fhir&internal=1`)).text);
      expect(fhirErrors(internal)).toEqual([]);
      expect(internal.entry).toHaveLength(3);
      expect(internal.entry[1].resource).toMatchObject({ category: [{ coding: [{ code: 'internal-note' }] }], payload: [{ contentString: 'check the x-ray first' }] });
    }, 60_000);

    it('refuses a bad format or time zone with 400 invalid', async () => {
      const { id } = await seed();
      const lee = await staffToken('lee');
      for (const query of ['format=pdf', 'tz=Mars/Olympus_Mons', 'internal=maybe']) {
        const res = await get(lee, `/inbox/${id}/transcript?${query}`);
        expect(res.status, query).toBe(400);
        expect(JSON.parse(res.text), query).toMatchObject({ error: { code: 'invalid' } });
      }
    });

    it('is for staff whose role grants transcripts.export: a patient gets 403, another org and unknown ids 404', async () => {
      const { id } = await seed();
      expect(JSON.parse((await get(await patientToken('ana'), `/inbox/${id}/transcript`)).text)).toMatchObject({ error: { code: 'forbidden' } });
      expect((await get(await patientToken('ana'), `/inbox/${id}/transcript`)).status).toBe(403);
      const other = await createTestOrg(hub.ctx, { name: 'Other Clinic' });
      const eve = await get(await staffToken('eve', other), `/inbox/${id}/transcript`);
      expect(eve.status).toBe(404);
      expect(JSON.parse(eve.text)).toMatchObject({ error: { code: 'not-found' } });
      expect((await get(await staffToken('lee'), '/inbox/cnv_nosuchthing/transcript')).status).toBe(404);
      // A staff member whose org role lacks the permission, for the shared copy and the internal one.
      await setRole(hub.ctx.db, clinic.org.id, 'front-desk', ['chats.read', 'chats.write']);
      rolesChanged(hub.ctx, clinic.org.id);
      const desk = await clinic.mint({ sub: 'dana', name: 'Dana', role: 'front-desk' });
      for (const query of ['', '?internal=1']) {
        const refused = await get(desk, `/inbox/${id}/transcript${query}`);
        expect(refused.status, query).toBe(403);
        expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('transcripts.export') } });
      }
      expect(await auditOf('transcript.export')).toHaveLength(0);
    });

    it('audits every export with its format and whether it was internal, never a body', async () => {
      const { id } = await seed();
      const lee = await staffToken('lee');
      await get(lee, `/inbox/${id}/transcript?format=text`);
      await get(lee, `/inbox/${id}/transcript?format=fhir&internal=1`);
      const rows = await auditOf('transcript.export');
      expect(rows.map((r) => ({ subject: r.subject_id, type: r.subject_type, actor: r.actor_kind, detail: JSON.parse(r.detail!) }))).toEqual([
        { subject: id, type: 'conversation', actor: 'staff', detail: { format: 'text', internal: false } },
        { subject: id, type: 'conversation', actor: 'staff', detail: { format: 'fhir', internal: true } },
      ]);
      const all = JSON.stringify(await hub.ctx.db.selectFrom('audit_log').selectAll().execute());
      for (const secret of ['knee hurts', 'x-ray', 'Since when', 'knee.jpg']) expect(all).not.toContain(secret);
    });
  });

  describe('POST /v1/inbox/:id/close-and-email', () => {
    it('mails text, HTML and the FHIR Bundle, and only then closes the conversation (audited, in the timeline)', async () => {
      const { id } = await seed();
      const lee = await staffToken('lee');
      const res = await api(lee, `/inbox/${id}/close-and-email`, { body: { to: 'chart@ehr.example', internal: true } });
      expect(res).toMatchObject({ status: 200, body: { status: 'closed', emailed: true } });
      expect(smtp.mails).toHaveLength(1);
      const mail = smtp.mails[0]!;
      expect(mail.subject).toBe(`Chat transcript — Test Clinic — ${id}`);
      expect(mail.to).toMatchObject({ text: 'chart@ehr.example' });
      expect(mail.from?.value[0]?.address).toBe('records@clinic.example');
      expect(mail.text).toContain('my knee hurts <since Monday>');
      expect(mail.text).toContain('Internal note — Dr Lee');
      expect(mail.text).toContain(`Conversation: ${id} (closed)`);
      expect(mail.html).toContain('my knee hurts &lt;since Monday&gt;');
      expect(mail.attachments).toHaveLength(1);
      const [fhir] = mail.attachments;
      expect(fhir).toMatchObject({ filename: `transcript-${id}.json`, contentType: 'application/fhir+json' });
      const bundle = JSON.parse(fhir!.content.toString('utf8'));
      expect(fhirErrors(bundle)).toEqual([]);
      expect(bundle.entry).toHaveLength(3);

      expect(await statusOf(id)).toBe('closed');
      const closedAt = (await hub.ctx.db.selectFrom('conversations').select('closed_at').where('id', '=', id).executeTakeFirstOrThrow()).closed_at;
      expect(mail.text).toContain(`Closed: ${new Date(Number(closedAt)).toISOString()}`);
      expect((await eventsOf(hub.ctx.db, clinic.org.id, id)).filter((e) => e.kind === 'closed')).toHaveLength(1);
      expect((await auditOf('transcript.email')).map((r) => JSON.parse(r.detail!))).toEqual([{ internal: true }]);
      expect(await auditOf('conversation.close')).toHaveLength(1);
      const all = JSON.stringify(await hub.ctx.db.selectFrom('audit_log').selectAll().execute());
      for (const secret of ['chart@ehr.example', 'knee hurts', 'x-ray']) expect(all).not.toContain(secret);
    }, 60_000);

    it('leaves the conversation open and answers 502 upstream when the SMTP server refuses the mail; the log has no address', async () => {
      const { id } = await seed();
      smtp.refusing = true;
      const res = await api(await staffToken('lee'), `/inbox/${id}/close-and-email`, { body: { to: 'chart@ehr.example' } });
      expect(res).toMatchObject({ status: 502, body: { error: { code: 'upstream' } } });
      expect(await statusOf(id)).toBe('open');
      expect(await auditOf('conversation.close')).toHaveLength(0);
      expect(await auditOf('transcript.email')).toHaveLength(0);
      expect((await auditOf('transcript.email-failed')).map((r) => JSON.parse(r.detail!))).toEqual([{ internal: false }]);

      // The same refusal, with a logger that keeps what it is told.
      const lines: string[] = [];
      const log = pino({ level: 'trace' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
      const app = await appAs(['chats.write', 'transcripts.export'], { ...hub.ctx, log });
      const again = await app.request(`/v1/inbox/${id}/close-and-email`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ to: 'chart@ehr.example' }) });
      expect(again.status).toBe(502);
      expect(lines.join('')).toContain('transcript e-mail not accepted');
      for (const secret of ['chart@ehr.example', 'knee hurts']) expect(lines.join('')).not.toContain(secret);
      expect(await statusOf(id)).toBe('open');
    });

    it('answers 503 not-configured on a hub without SMTP, and refuses bad addresses, patients, other orgs and roles without both permissions', async () => {
      const { id } = await seed();
      const lee = await staffToken('lee');
      const unconfigured = await appAs(['chats.write', 'transcripts.export'], { ...hub.ctx, mailer: undefined });
      const res = await unconfigured.request(`/v1/inbox/${id}/close-and-email`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ to: 'chart@ehr.example' }) });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'not-configured' } });

      expect(await api(lee, `/inbox/${id}/close-and-email`, { body: { to: 'not an address' } })).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } });
      expect(await api(await patientToken('ana'), `/inbox/${id}/close-and-email`, { body: { to: 'chart@ehr.example' } })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      const other = await createTestOrg(hub.ctx, { name: 'Other Clinic' });
      expect(await api(await staffToken('eve', other), `/inbox/${id}/close-and-email`, { body: { to: 'chart@ehr.example' } })).toMatchObject({ status: 404 });
      // Org roles with only one of the two permissions.
      await setRole(hub.ctx.db, clinic.org.id, 'front-desk', ['chats.read', 'chats.write']);
      await setRole(hub.ctx.db, clinic.org.id, 'records', ['chats.read', 'transcripts.export']);
      rolesChanged(hub.ctx, clinic.org.id);
      for (const role of ['front-desk', 'records']) {
        const token = await clinic.mint({ sub: `dana-${role}`, name: 'Dana', role });
        expect(await api(token, `/inbox/${id}/close-and-email`, { body: { to: 'chart@ehr.example' } }), role).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      }
      expect(smtp.mails).toHaveLength(0);
      expect(await statusOf(id)).toBe('open');
    });
  });

  describe("the widget's InboxApi", () => {
    it('fetches each format with the token in the header, never the URL, and closes with the e-mail; refusals carry the code', async () => {
      const { id } = await seed();
      const lee = await staffToken('lee');
      const api = new InboxApi({ base: apiBaseOf(hub.wsUrl), getToken: () => lee });
      expect(api.transcriptUrl(id, 'html', true, 'Europe/Berlin')).toBe(`${hub.url}/v1/inbox/${id}/transcript?format=html&internal=1&tz=Europe%2FBerlin`);
      const html = await api.transcript(id, 'html', true, 'Europe/Berlin');
      expect(html.type).toMatch(/^text\/html;\s?charset=utf-8$/);
      expect(await html.text()).toContain('check the x-ray first');
      expect(JSON.parse(await (await api.transcript(id, 'fhir')).text())).toMatchObject({ resourceType: 'Bundle' });
      expect(await (await api.transcript(id)).text()).toContain('Patient: Ana Alves (ana)');
      await expect(api.transcript(id, 'text', false, 'Nowhere/Atlantis')).rejects.toMatchObject({ code: 'invalid', status: 400 });

      smtp.refusing = true;
      const refused = await api.closeAndEmail(id, 'chart@ehr.example').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(InboxApiError);
      expect(refused).toMatchObject({ code: 'upstream', status: 502 });
      smtp.refusing = false;
      expect(await api.closeAndEmail(id, 'chart@ehr.example')).toEqual({ status: 'closed', emailed: true });
      expect(smtp.mails).toHaveLength(1);
      expect(await statusOf(id)).toBe('closed');
    });
  });
});
