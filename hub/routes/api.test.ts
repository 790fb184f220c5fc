// The user API (/v1), in process against a real SQLite database: staff read their org's
// conversations, patients only their own; another org's ids answer exactly like unknown
// ids and change nothing; every staff read is audited without bodies; attachments come
// down as no-store, nosniff downloads; tokens and origins are held to the caller's org.
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubContext } from '../context.js';
import { auditTrail } from '../db/repositories/audit.js';
import { getOrCreateConversation } from '../db/repositories/conversations.js';
import { closeConversation } from '../db/repositories/inbox.js';
import { storeMessageIn, type MessageInput, type StoredMessage } from '../db/repositories/messages.js';
import { listPatients, listStaff, upsertPatient, upsertStaff } from '../db/repositories/people.js';
import type { Conversation, Database } from '../db/tables.js';
import { createTestContext } from '../testing/context.js';
import { attackMatrix, createTestOrg, type TestOrg } from '../testing/tokens.js';
import { createApi } from './index.js';
import { eachDialect } from '../testing/databases.js';

eachDialect((databases) => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

  interface SeededOrg {
    test: TestOrg;
    tokens: { staff: string; ana: string; ben: string };
    ana: Conversation;
    ben: Conversation;
    /** The attachment on Ana's first message. */
    attachmentId: string;
    bodies: string[];
  }

  let ctx: HubContext;
  let api: ReturnType<typeof createApi>;
  let a: SeededOrg;
  let b: SeededOrg;

  /**
   * An org with staff member dr-lee and patients ana and ben, each with a conversation.
   * Both orgs use the same external ids, so only org scoping tells them apart.
   */
  async function seedOrg(id: string): Promise<SeededOrg> {
    const test = await createTestOrg(ctx, { id });
    const ana = await upsertPatient(ctx.db, id, { externalId: 'ana', name: 'Ana Ortiz' });
    const ben = await upsertPatient(ctx.db, id, { externalId: 'ben', name: 'Ben Bauer' });
    const lee = await upsertStaff(ctx.db, id, { externalId: 'dr-lee', name: 'Dr Lee', role: 'staff' });
    const anaConversation = await getOrCreateConversation(ctx.db, id, ana.id, 'visit-1');
    const benConversation = await getOrCreateConversation(ctx.db, id, ben.id, null);
    const storageKey = `${id}/scan`;
    await ctx.blobs.put(storageKey, PNG);
    const bodies = [`rash on my left arm (${id})`, `please send a photo (${id})`, `ben's private question (${id})`];
    const message = (input: Partial<MessageInput> & Pick<MessageInput, 'conversationId' | 'clientId' | 'body'>): MessageInput => ({
      orgId: id,
      authorKind: 'patient',
      authorId: ana.id,
      authorName: 'Ana Ortiz',
      sentAt: 1_700_000_000_000,
      attachments: [],
      ...input,
    });
    const stored = await ctx.db.transaction().execute(async (trx) => {
      const first = await storeMessageIn(
        trx,
        message({ conversationId: anaConversation.id, clientId: 'c1', body: bodies[0]!, attachments: [{ clientId: 'f1', name: 'Ärm scan (1).png', mime: 'image/png', size: PNG.byteLength, storageKey }] }),
      );
      await storeMessageIn(trx, message({ conversationId: anaConversation.id, clientId: 'c2', body: bodies[1]!, authorKind: 'staff', authorId: lee.id, authorName: 'Dr Lee' }));
      await storeMessageIn(trx, message({ conversationId: benConversation.id, clientId: 'c1', body: bodies[2]!, authorId: ben.id, authorName: 'Ben Bauer' }));
      return first;
    });
    return {
      test,
      tokens: {
        staff: await test.mint({ sub: 'dr-lee', role: 'staff', name: 'Dr Lee' }),
        ana: await test.mint({ sub: 'ana', name: 'Ana Ortiz', visit: 'visit-1' }),
        ben: await test.mint({ sub: 'ben', name: 'Ben Bauer' }),
      },
      ana: anaConversation,
      ben: benConversation,
      attachmentId: (stored as StoredMessage).attachments[0]!.id,
      bodies,
    };
  }

  beforeEach(async () => {
    ctx = await createTestContext({ database: await databases.fresh() });
    api = createApi(ctx);
    a = await seedOrg('org-a');
    b = await seedOrg('org-b');
  });
  afterEach(() => ctx.db.destroy());

  function get(path: string, token?: string, headers: Record<string, string> = {}) {
    return api.request(path, { headers: { ...(token && { Authorization: `Bearer ${token}` }), ...headers } });
  }

  async function getJson(path: string, token?: string, headers?: Record<string, string>) {
    const res = await get(path, token, headers);
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  }

  const TABLES: Array<keyof Database> = ['orgs', 'org_keys', 'org_origins', 'locations', 'staff', 'patients', 'lists', 'list_members', 'conversations', 'messages', 'attachments', 'read_cursors', 'audit_log'];

  /** Every row of every table: equal snapshots mean nothing changed. */
  async function snapshot(): Promise<string> {
    const tables: Record<string, unknown[]> = {};
    for (const table of TABLES) tables[table] = await ctx.db.selectFrom(table).selectAll().execute();
    return JSON.stringify(tables);
  }

  async function peopleCount(): Promise<number> {
    let n = 0;
    for (const org of ['org-a', 'org-b']) n += (await listPatients(ctx.db, org)).length + (await listStaff(ctx.db, org)).length;
    return n;
  }

  describe('GET /v1/me and the token', () => {
    it('answers with the caller as the widget sees them', async () => {
      const patient = await getJson('/v1/me', a.tokens.ana);
      expect(patient.status).toBe(200);
      expect(patient.body).toEqual({ me: { id: 'ana', name: 'Ana Ortiz', role: 'patient' }, org: 'org-a', tokenRole: 'patient', visit: 'visit-1', lists: [], expiresAt: expect.any(Number), permissions: [] });
      expect(patient.headers.get('Cache-Control')).toBe('private, no-store');
      const staff = await getJson('/v1/me', a.tokens.staff);
      expect(staff.body.me).toEqual({ id: 'dr-lee', name: 'Dr Lee', role: 'provider' });
    });

    it('mounted inside a parent app (as createHub does), refusals keep their JSON body and code', async () => {
      const parent = new Hono().route('/', createApi(ctx));
      const res = await parent.request('/v1/me?token=x');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid' } });
      const unauthorized = await parent.request('/v1/me');
      expect(await unauthorized.json()).toEqual({ error: { code: 'unauthorized', message: 'missing token' } });
    });

    it('no token, or not a Bearer token, is 401 unauthorized', async () => {
      const none = await getJson('/v1/me');
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ error: { code: 'unauthorized', message: 'missing token' } });
      expect(none.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
      expect((await get('/v1/me', undefined, { Authorization: `Basic ${a.tokens.ana}` })).status).toBe(401);
    });

    it('every token of the attack matrix is 401 unauthorized and records no one', async () => {
      const cases = await attackMatrix(ctx, a.test);
      const before = await peopleCount();
      for (const attack of cases) {
        const res = await getJson('/v1/me', attack.token);
        expect(res.status, attack.name).toBe(401);
        expect(res.body.error, attack.name).toEqual({ code: 'unauthorized', message: attack.reason });
      }
      expect(await peopleCount()).toBe(before);
    });

    it('a token in the query string is refused with 400 invalid, even beside a valid header', async () => {
      for (const query of [`token=${a.tokens.ana}`, `access_token=x`, `t=${a.tokens.ana}`]) {
        const res = await getJson(`/v1/me?${query}`, a.tokens.ana);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code).toBe('invalid');
        expect(res.body.error.message).toMatch(/never go in URLs/);
      }
    });

    it('an unknown route is a JSON 404', async () => {
      expect(await getJson('/v1/nothing-here', a.tokens.staff)).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
    });
  });

  describe('origins and CORS', () => {
    it("a request from the org's own origin is answered with that origin allowed and no credentials", async () => {
      const res = await get('/v1/me', a.tokens.ana, { Origin: a.test.origin });
      expect(res.status).toBe(200);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(a.test.origin);
      expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
      expect(res.headers.get('Vary')).toMatch(/Origin/);
    });

    it("an origin only another org allows is 403 forbidden, and the token's person is not recorded", async () => {
      const stranger = await a.test.mint({ sub: 'new-patient' });
      const before = await peopleCount();
      for (const origin of [b.test.origin, 'https://evil.example', 'null']) {
        const res = await getJson('/v1/me', stranger, { Origin: origin });
        expect(res.status, origin).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect(await peopleCount()).toBe(before);
    });

    it('a call without Origin (a server, not a browser) is not origin-checked', async () => {
      expect((await get('/v1/me', a.tokens.ana)).status).toBe(200);
    });

    it('a preflight is allowed for an origin some org allows, with the inbox methods and the Authorization header only', async () => {
      const allowed = await api.request('/v1/conversations', {
        method: 'OPTIONS',
        headers: { Origin: b.test.origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(b.test.origin);
      // The inbox releases claims (DELETE), sets members (PUT) and renames teams (PATCH) from the page.
      expect(allowed.headers.get('Access-Control-Allow-Methods')).toBe('GET,POST,PUT,PATCH,DELETE');
      expect(allowed.headers.get('Access-Control-Allow-Headers')).toBe('Authorization,Content-Type');
      expect(allowed.headers.get('Access-Control-Allow-Credentials')).toBeNull();
      const unknown = await api.request('/v1/conversations', { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
      expect(unknown.headers.get('Access-Control-Allow-Origin')).toBeNull();
    });

    it('a refusal to an allowed origin carries CORS headers, so the widget can read why (and refresh its token)', async () => {
      const res = await get('/v1/me', 'not-a-jwt', { Origin: a.test.origin });
      expect(res.status).toBe(401);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(a.test.origin);
    });
  });

  describe('GET /v1/conversations', () => {
    it("staff see their org's conversations with each patient's external id and name, and the read is audited", async () => {
      const res = await getJson('/v1/conversations', a.tokens.staff);
      expect(res.status).toBe(200);
      const byPatient = Object.fromEntries(res.body.conversations.map((c: any) => [c.patient.id, c]));
      expect(Object.keys(byPatient).sort()).toEqual(['ana', 'ben']);
      expect(byPatient.ana).toMatchObject({ id: a.ana.id, patient: { id: 'ana', name: 'Ana Ortiz' }, status: 'open', visit: 'visit-1', lastSeq: 2 });
      expect(res.body.conversations.map((c: any) => c.id)).not.toContain(b.ana.id);
      const [entry] = await auditTrail(ctx.db, 'org-a', 1);
      expect(entry).toMatchObject({ actor_kind: 'staff', action: 'conversation.list', subject_type: 'org', subject_id: 'org-a' });
      expect(JSON.parse(entry!.detail!)).toEqual({ count: 2 });
    });

    it('?status filters open and closed conversations; any other status is 400 invalid', async () => {
      await closeConversation(ctx.db, 'org-a', a.ben.id);
      expect((await getJson('/v1/conversations?status=closed', a.tokens.staff)).body.conversations.map((c: any) => c.id)).toEqual([a.ben.id]);
      expect((await getJson('/v1/conversations?status=open', a.tokens.staff)).body.conversations.map((c: any) => c.id)).toEqual([a.ana.id]);
      const bad = await getJson('/v1/conversations?status=deleted', a.tokens.staff);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid');
    });

    it('a patient sees only their own conversation, and patient reads are not audited', async () => {
      const auditBefore = (await auditTrail(ctx.db, 'org-a')).length;
      const res = await getJson('/v1/conversations', a.tokens.ana);
      expect(res.body.conversations.map((c: any) => c.id)).toEqual([a.ana.id]);
      expect((await auditTrail(ctx.db, 'org-a')).length).toBe(auditBefore);
    });
  });

  describe('GET /v1/conversations/:id/messages', () => {
    it('staff read the history in order with seq, authors by external id and attachment metadata', async () => {
      const res = await getJson(`/v1/conversations/${a.ana.id}/messages`, a.tokens.staff);
      expect(res.status).toBe(200);
      expect(res.body.lastSeq).toBe(2);
      expect(res.body.messages).toEqual([
        {
          id: expect.stringMatching(/^msg_/),
          clientId: 'c1',
          seq: 1,
          author: { kind: 'patient', id: 'ana', name: 'Ana Ortiz' },
          body: a.bodies[0],
          sentAt: 1_700_000_000_000,
          attachments: [{ id: a.attachmentId, name: 'Ärm scan (1).png', mime: 'image/png', size: PNG.byteLength }],
        },
        expect.objectContaining({ clientId: 'c2', seq: 2, author: { kind: 'staff', id: 'dr-lee', name: 'Dr Lee' }, body: a.bodies[1], attachments: [] }),
      ]);
    });

    it('pages with ?after and ?limit; out-of-range values are 400 invalid', async () => {
      const page = await getJson(`/v1/conversations/${a.ana.id}/messages?after=1&limit=1`, a.tokens.staff);
      expect(page.body.messages.map((m: any) => m.seq)).toEqual([2]);
      expect((await getJson(`/v1/conversations/${a.ana.id}/messages?limit=1`, a.tokens.staff)).body.messages.map((m: any) => m.seq)).toEqual([1]);
      for (const query of ['after=-1', 'limit=0', 'limit=501', 'after=abc']) {
        const res = await getJson(`/v1/conversations/${a.ana.id}/messages?${query}`, a.tokens.staff);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code).toBe('invalid');
      }
    });

    it('the owning patient reads their history; another patient gets 404 as for an unknown id', async () => {
      expect((await getJson(`/v1/conversations/${a.ana.id}/messages`, a.tokens.ana)).body.messages).toHaveLength(2);
      const other = await getJson(`/v1/conversations/${a.ana.id}/messages`, a.tokens.ben);
      const unknown = await getJson('/v1/conversations/cnv_does_not_exist/messages', a.tokens.ben);
      expect(other.status).toBe(404);
      expect(other.body).toEqual(unknown.body);
    });

    it('a staff read is audited with ids and counts, never the message bodies', async () => {
      await get(`/v1/conversations/${a.ana.id}/messages`, a.tokens.staff);
      await get(`/v1/attachments/${a.attachmentId}`, a.tokens.staff);
      const trail = await auditTrail(ctx.db, 'org-a');
      const read = trail.find((e) => e.action === 'messages.read');
      expect(read).toMatchObject({ actor_kind: 'staff', subject_type: 'conversation', subject_id: a.ana.id });
      expect(JSON.parse(read!.detail!)).toEqual({ after: 0, count: 2 });
      const everything = JSON.stringify(await ctx.db.selectFrom('audit_log').selectAll().execute());
      for (const body of [...a.bodies, ...b.bodies]) expect(everything).not.toContain(body);
      expect(everything).not.toContain('Ärm scan');
    });
  });

  describe('GET /v1/attachments/:id', () => {
    it('staff download the bytes as a private, no-store, nosniff attachment with an RFC 8187 file name', async () => {
      const res = await get(`/v1/attachments/${a.attachmentId}`, a.tokens.staff);
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
      expect(res.headers.get('Content-Type')).toBe('image/png');
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('Cache-Control')).toBe('private, no-store');
      expect(res.headers.get('Content-Disposition')).toBe(`attachment; filename="_rm scan _1_.png"; filename*=UTF-8''%C3%84rm%20scan%20%281%29.png`);
      expect(res.headers.get('Content-Security-Policy')).toMatch(/sandbox/);
      const [entry] = await auditTrail(ctx.db, 'org-a', 1);
      expect(entry).toMatchObject({ action: 'attachment.read', subject_type: 'attachment', subject_id: a.attachmentId });
      expect(JSON.parse(entry!.detail!)).toEqual({ conversation: a.ana.id, size: PNG.byteLength });
    });

    it('the owning patient downloads it; another patient of the same org gets 404', async () => {
      expect((await get(`/v1/attachments/${a.attachmentId}`, a.tokens.ana)).status).toBe(200);
      const other = await getJson(`/v1/attachments/${a.attachmentId}`, a.tokens.ben);
      expect(other.status).toBe(404);
      expect(other.body).toEqual((await getJson('/v1/attachments/att_unknown', a.tokens.ben)).body);
    });

    it('bytes missing from the blob store answer 404, not 500', async () => {
      await ctx.blobs.delete!('org-a/scan');
      expect((await getJson(`/v1/attachments/${a.attachmentId}`, a.tokens.staff)).body.error.code).toBe('not-found');
    });
  });

  describe('cross-org probes', () => {
    it("org A's staff token on every route with org B's ids gets 404 not-found, like an unknown id, and nothing changes", async () => {
      await get('/v1/me', a.tokens.staff); // the caller's own row is recorded before the snapshot
      const before = await snapshot();
      const probes = [
        [`/v1/conversations/${b.ana.id}/messages`, '/v1/conversations/cnv_unknown/messages'],
        [`/v1/conversations/${b.ben.id}/messages?after=0&limit=10`, '/v1/conversations/cnv_unknown/messages?after=0&limit=10'],
        [`/v1/attachments/${b.attachmentId}`, '/v1/attachments/att_unknown'],
      ];
      for (const [foreign, unknown] of probes) {
        const probe = await getJson(foreign!, a.tokens.staff);
        const miss = await getJson(unknown!, a.tokens.staff);
        expect(probe.status, foreign).toBe(404);
        expect(probe.body, foreign).toEqual(miss.body);
        expect(probe.body.error.code).toBe('not-found');
      }
      const listing = await getJson('/v1/conversations', a.tokens.staff);
      const after = await snapshot();
      // The listing is an audited read in org A; the probes themselves wrote nothing.
      expect(JSON.parse(after).audit_log).toHaveLength(JSON.parse(before).audit_log.length + 1);
      expect(JSON.stringify({ ...JSON.parse(after), audit_log: [] })).toBe(JSON.stringify({ ...JSON.parse(before), audit_log: [] }));
      const ids = listing.body.conversations.map((c: any) => c.id);
      expect(ids).not.toContain(b.ana.id);
      expect(ids).not.toContain(b.ben.id);
      expect(JSON.stringify(listing.body)).not.toContain('org-b');
    });

    it("a patient with the same external id in org A reads nothing of org B's patient", async () => {
      expect((await getJson(`/v1/conversations/${b.ana.id}/messages`, a.tokens.ana)).status).toBe(404);
      expect((await getJson(`/v1/attachments/${b.attachmentId}`, a.tokens.ana)).status).toBe(404);
      const own = await getJson('/v1/conversations', a.tokens.ana);
      expect(own.body.conversations.map((c: any) => c.id)).toEqual([a.ana.id]);
    });

    it('no audit row is written in org B by org A probing it', async () => {
      const before = (await auditTrail(ctx.db, 'org-b')).length;
      await get(`/v1/conversations/${b.ana.id}/messages`, a.tokens.staff);
      await get(`/v1/attachments/${b.attachmentId}`, a.tokens.staff);
      expect((await auditTrail(ctx.db, 'org-b')).length).toBe(before);
    });
  });

  describe('unexpected failures', () => {
    it('answer 500 internal without details, and log the error but not the request', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const failing: HubContext = {
        ...ctx,
        log: pino({ level: 'error' }, sink),
        blobs: {
          put: ctx.blobs.put.bind(ctx.blobs),
          get: async () => {
            throw new Error('disk on fire at /var/lib/hub');
          },
        },
      };
      const res = await createApi(failing).request(`/v1/attachments/${a.attachmentId}`, { headers: { Authorization: `Bearer ${a.tokens.staff}` } });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
      const log = lines.join('');
      expect(log).toContain('request failed');
      expect(log).toContain('disk on fire');
      expect(log).not.toContain(a.tokens.staff);
    });
  });
});
