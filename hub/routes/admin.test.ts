// The admin API, in process against a real SQLite database: it sets up orgs, keys, origins,
// people and lists; validates every body; refuses anyone without the admin key; and audits
// what it writes without ever echoing or logging a secret.
import { generateKeyPairSync } from 'node:crypto';
import { exportSPKI, generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubContext } from '../context.js';
import { openDatabase } from '../db/database.js';
import { createTestContext, TEST_ADMIN_KEY } from '../testing/context.js';
import { mintToken } from '../testing/tokens.js';
import { createApi } from './index.js';
import { eachDialect } from '../testing/databases.js';

eachDialect((databases) => {
  let ctx: HubContext;
  let api: ReturnType<typeof createApi>;

  beforeEach(async () => {
    ctx = await createTestContext({ database: await databases.fresh() });
    api = createApi(ctx);
  });
  afterEach(() => ctx.db.destroy());

  interface Call {
    status: number;
    body: any;
    text: string;
    headers: Headers;
  }

  async function call(method: string, path: string, body?: unknown, init: { key?: string | null; raw?: string } = {}): Promise<Call> {
    const headers: Record<string, string> = {};
    const key = init.key === undefined ? TEST_ADMIN_KEY : init.key;
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    if (body !== undefined || init.raw !== undefined) headers['Content-Type'] = 'application/json';
    const res = await api.request(path, { method, headers, ...((body !== undefined || init.raw !== undefined) && { body: init.raw ?? JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  const SECRET = 'an-hs256-secret-that-is-long-enough-0123456789';

  async function orgWithKey(id = 'clinic') {
    expect((await call('POST', '/admin/orgs', { id, name: 'Clinic' })).status).toBe(201);
    const key = await call('POST', `/admin/orgs/${id}/keys`, { kid: `${id}-k1`, alg: 'HS256', secret: SECRET, issuer: 'https://backend.test', audience: 'clinic-chat' });
    expect(key.status).toBe(201);
    return { kid: `${id}-k1`, alg: 'HS256' as const, secret: SECRET, issuer: 'https://backend.test', audience: 'clinic-chat' };
  }

  describe('admin key', () => {
    it('a missing admin key is 401 unauthorized', async () => {
      const res = await call('GET', '/admin/orgs', undefined, { key: null });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });

    it('a wrong admin key is 401, even one that shares a prefix with the real key', async () => {
      expect((await call('GET', '/admin/orgs', undefined, { key: 'nope' })).status).toBe(401);
      expect((await call('GET', '/admin/orgs', undefined, { key: TEST_ADMIN_KEY.slice(0, -1) })).status).toBe(401);
      expect((await call('POST', '/admin/orgs', { name: 'X' }, { key: `${TEST_ADMIN_KEY}x` })).status).toBe(401);
      expect((await call('GET', '/admin/orgs')).body).toEqual({ orgs: [] });
    });

    it('with no admin key configured the admin API does not exist (404)', async () => {
      const bare = createApi({ ...ctx, adminKey: undefined });
      const res = await bare.request('/admin/orgs', { headers: { Authorization: 'Bearer anything' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not-found' } });
    });

    it('the admin key or a token in the query string is refused with 400 invalid', async () => {
      for (const query of [`key=${TEST_ADMIN_KEY}`, `x=${TEST_ADMIN_KEY}`, 'token=abc', 'access_token=abc']) {
        const res = await call('GET', `/admin/orgs?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code).toBe('invalid');
        expect(res.body.error.message).toMatch(/never go in URLs/);
      }
    });
  });

  describe('orgs', () => {
    it('creates an org with a chosen or generated id and lists it', async () => {
      const chosen = await call('POST', '/admin/orgs', { id: 'acme', name: 'Acme Health' });
      expect(chosen.status).toBe(201);
      expect(chosen.body).toMatchObject({ id: 'acme', name: 'Acme Health' });
      const generated = await call('POST', '/admin/orgs', { name: '  Beta Care  ' });
      expect(generated.body.id).toMatch(/^org_/);
      expect(generated.body.name).toBe('Beta Care');
      const list = await call('GET', '/admin/orgs');
      expect(list.body.orgs.map((o: { id: string }) => o.id).sort()).toEqual(['acme', generated.body.id].sort());
    });

    it('a duplicate org id is 409 invalid', async () => {
      await call('POST', '/admin/orgs', { id: 'acme', name: 'A' });
      const dup = await call('POST', '/admin/orgs', { id: 'acme', name: 'B' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('invalid');
    });

    it('bodies are validated: not JSON, a missing field, a bad id, an over-long name', async () => {
      const notJson = await call('POST', '/admin/orgs', undefined, { raw: '{"name":' });
      expect(notJson.status).toBe(400);
      expect(notJson.body.error).toEqual({ code: 'invalid', message: 'the body must be JSON' });
      const missing = await call('POST', '/admin/orgs', {});
      expect(missing.status).toBe(400);
      expect(missing.body.error.code).toBe('invalid');
      expect(missing.body.error.message).toMatch(/^name: /);
      expect((await call('POST', '/admin/orgs', { id: 'no spaces/here', name: 'X' })).body.error.message).toMatch(/^id: /);
      expect((await call('POST', '/admin/orgs', { name: 'x'.repeat(121) })).status).toBe(400);
      expect((await call('GET', '/admin/orgs')).body.orgs).toEqual([]);
    });

    it('a body over 64 KB is refused with 413 too-large', async () => {
      const res = await call('POST', '/admin/orgs', { name: 'X', padding: 'x'.repeat(70 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('too-large');
      expect((await call('GET', '/admin/orgs')).body.orgs).toEqual([]);
    });

    it('every route under an unknown org is 404 not-found', async () => {
      const routes: Array<[string, string, unknown?]> = [
        ['POST', '/admin/orgs/ghost/keys', { alg: 'HS256', secret: SECRET, issuer: 'i', audience: 'a' }],
        ['DELETE', '/admin/orgs/ghost/keys/k'],
        ['POST', '/admin/orgs/ghost/origins', { origin: 'https://a.example' }],
        ['GET', '/admin/orgs/ghost/origins'],
        ['POST', '/admin/orgs/ghost/staff', { externalId: 's', name: 'S', role: 'staff' }],
        ['GET', '/admin/orgs/ghost/staff'],
        ['POST', '/admin/orgs/ghost/patients', { externalId: 'p', name: 'P' }],
        ['GET', '/admin/orgs/ghost/patients'],
        ['POST', '/admin/orgs/ghost/lists', { name: 'L' }],
        ['GET', '/admin/orgs/ghost/lists'],
        ['POST', '/admin/orgs/ghost/lists/l/members', { staffId: 's' }],
        ['GET', '/admin/orgs/ghost/lists/l/members'],
        ['POST', '/admin/orgs/ghost/locations', { name: 'Main St' }],
        ['GET', '/admin/orgs/ghost/audit'],
      ];
      for (const [method, path, body] of routes) {
        const res = await call(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.error.code).toBe('not-found');
      }
    });
  });

  describe('keys', () => {
    it('adds an HS256 key without echoing the secret, and tokens signed with it work', async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      const res = await call('POST', '/admin/orgs/clinic/keys', { kid: 'k1', alg: 'HS256', secret: SECRET, issuer: 'https://backend.test', audience: 'clinic-chat' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ kid: 'k1', org: 'clinic', alg: 'HS256', issuer: 'https://backend.test', audience: 'clinic-chat', createdAt: expect.any(Number) });
      expect(res.text).not.toContain(SECRET);
      const token = await mintToken({ kid: 'k1', alg: 'HS256', secret: SECRET, issuer: 'https://backend.test', audience: 'clinic-chat' }, { sub: 'pt-1', org: 'clinic', role: 'patient' });
      const me = await api.request('/v1/me', { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
    });

    it('an HS256 secret under 32 characters is 400 invalid', async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      const res = await call('POST', '/admin/orgs/clinic/keys', { alg: 'HS256', secret: 'short', issuer: 'i', audience: 'a' });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: 'invalid', message: 'secret: an HS256 secret needs at least 32 characters' });
    });

    it('public keys must import for their algorithm: ES256 and RS256 accepted, mismatches and weak RSA refused', async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      const es = await exportSPKI((await generateKeyPair('ES256', { extractable: true })).publicKey);
      const rsa = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
      // jose refuses to generate a weak key, so node makes one: a vendor could still paste it.
      const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const base = { issuer: 'i', audience: 'a' };
      expect((await call('POST', '/admin/orgs/clinic/keys', { ...base, alg: 'ES256', publicKey: es })).status).toBe(201);
      expect((await call('POST', '/admin/orgs/clinic/keys', { ...base, alg: 'RS256', publicKey: rsa })).status).toBe(201);
      for (const [alg, publicKey, why] of [
        ['ES256', rsa, /ES256/],
        ['RS256', es, /RS256/],
        ['RS256', weakRsa, /2048/],
        ['ES256', '-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----', /ES256/],
        ['RS256', 'not a pem', /SPKI PEM/],
      ] as const) {
        const res = await call('POST', '/admin/orgs/clinic/keys', { ...base, alg, publicKey });
        expect(res.status, `${alg}: ${why}`).toBe(400);
        expect(res.body.error.code).toBe('invalid');
        expect(res.body.error.message).toMatch(why);
      }
      expect((await call('POST', '/admin/orgs/clinic/keys', { ...base, alg: 'PS256', publicKey: rsa })).status).toBe(400);
      expect((await call('POST', '/admin/orgs/clinic/keys', { ...base, alg: 'RS256', secret: SECRET })).status).toBe(400);
    });

    it('a revoked key stops verifying tokens at once; revoking an unknown kid is 404', async () => {
      const key = await orgWithKey();
      const token = await mintToken(key, { sub: 'pt-1', org: 'clinic', role: 'patient' });
      expect((await api.request('/v1/me', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      const revoked = await call('DELETE', `/admin/orgs/clinic/keys/${key.kid}`);
      expect(revoked.status).toBe(200);
      const after = await api.request('/v1/me', { headers: { Authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      expect((await call('DELETE', '/admin/orgs/clinic/keys/no-such-kid')).status).toBe(404);
    });

    it("an org cannot revoke another org's key", async () => {
      const key = await orgWithKey('clinic');
      await call('POST', '/admin/orgs', { id: 'other', name: 'Other' });
      expect((await call('DELETE', `/admin/orgs/other/keys/${key.kid}`)).status).toBe(404);
      const token = await mintToken(key, { sub: 'pt-1', org: 'clinic', role: 'patient' });
      expect((await api.request('/v1/me', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    });
  });

  describe('origins', () => {
    it('accepts exact origins and lists them', async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      for (const origin of ['https://portal.clinic.example', 'http://localhost:5173']) {
        expect((await call('POST', '/admin/orgs/clinic/origins', { origin })).status).toBe(201);
      }
      expect((await call('GET', '/admin/orgs/clinic/origins')).body.origins.sort()).toEqual(['http://localhost:5173', 'https://portal.clinic.example']);
    });

    it('refuses anything a browser would never send as Origin', async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      for (const origin of [
        'https://portal.clinic.example/',
        'https://portal.clinic.example/path',
        'https://portal.clinic.example?q=1',
        'https://Portal.Clinic.example',
        'https://portal.clinic.example:443',
        'https://user@portal.clinic.example',
        'portal.clinic.example',
        'ftp://portal.clinic.example',
        'javascript:alert(1)',
        '*',
        'null',
      ]) {
        const res = await call('POST', '/admin/orgs/clinic/origins', { origin });
        expect(res.status, origin).toBe(400);
        expect(res.body.error.code).toBe('invalid');
      }
      expect((await call('GET', '/admin/orgs/clinic/origins')).body.origins).toEqual([]);
    });
  });

  describe('people, lists and locations', () => {
    beforeEach(async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      await call('POST', '/admin/orgs', { id: 'other', name: 'Other' });
    });

    it('creates and updates staff by external id, and lists them', async () => {
      const created = await call('POST', '/admin/orgs/clinic/staff', { externalId: 'dr-lee', name: 'Dr Lee', role: 'staff' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ externalId: 'dr-lee', name: 'Dr Lee', role: 'staff' });
      const promoted = await call('POST', '/admin/orgs/clinic/staff', { externalId: 'dr-lee', name: 'Dr Lee', role: 'admin' });
      expect(promoted.body.id).toBe(created.body.id);
      expect((await call('GET', '/admin/orgs/clinic/staff')).body.staff).toEqual([expect.objectContaining({ externalId: 'dr-lee', role: 'admin' })]);
      expect((await call('GET', '/admin/orgs/other/staff')).body.staff).toEqual([]);
      expect((await call('POST', '/admin/orgs/clinic/staff', { externalId: 'x', name: 'X', role: 'superuser' })).status).toBe(400);
    });

    it('creates patients and lists them per org', async () => {
      expect((await call('POST', '/admin/orgs/clinic/patients', { externalId: 'pt-1', name: 'Ana Ortiz' })).status).toBe(201);
      expect((await call('GET', '/admin/orgs/clinic/patients')).body.patients).toEqual([expect.objectContaining({ externalId: 'pt-1', name: 'Ana Ortiz' })]);
      expect((await call('GET', '/admin/orgs/other/patients')).body.patients).toEqual([]);
    });

    it('lists get members from their own org only; a member or list of another org is 404', async () => {
      const list = (await call('POST', '/admin/orgs/clinic/lists', { name: 'Care team' })).body;
      const mine = (await call('POST', '/admin/orgs/clinic/staff', { externalId: 'dr-lee', name: 'Dr Lee', role: 'staff' })).body;
      const theirs = (await call('POST', '/admin/orgs/other/staff', { externalId: 'dr-x', name: 'Dr X', role: 'staff' })).body;
      const otherList = (await call('POST', '/admin/orgs/other/lists', { name: 'Support' })).body;

      expect((await call('POST', `/admin/orgs/clinic/lists/${list.id}/members`, { staffId: mine.id })).status).toBe(201);
      const foreignStaff = await call('POST', `/admin/orgs/clinic/lists/${list.id}/members`, { staffId: theirs.id });
      expect(foreignStaff.status).toBe(404);
      expect(foreignStaff.body.error.code).toBe('not-found');
      expect((await call('POST', `/admin/orgs/clinic/lists/${otherList.id}/members`, { staffId: mine.id })).status).toBe(404);
      expect((await call('GET', `/admin/orgs/clinic/lists/${otherList.id}/members`)).status).toBe(404);

      expect((await call('GET', `/admin/orgs/clinic/lists/${list.id}/members`)).body.members.map((m: { id: string }) => m.id)).toEqual([mine.id]);
      expect((await call('GET', `/admin/orgs/other/lists/${otherList.id}/members`)).body.members).toEqual([]);
      expect((await call('GET', '/admin/orgs/clinic/lists')).body.lists).toEqual([{ id: list.id, name: 'Care team' }]);
      expect((await call('POST', '/admin/orgs/clinic/lists', { name: 'Care team' })).status).toBe(409);
      expect((await call('POST', `/admin/orgs/clinic/lists/${list.id}/members`, {})).status).toBe(400);
    });

    it('creates locations', async () => {
      const res = await call('POST', '/admin/orgs/clinic/locations', { name: 'Main Street' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^loc_/), name: 'Main Street' });
    });
  });

  describe('audit of admin writes', () => {
    it('records each write as the admin key, with ids only and never the secret', async () => {
      await orgWithKey('clinic');
      await call('POST', '/admin/orgs/clinic/origins', { origin: 'https://portal.clinic.example' });
      const staff = (await call('POST', '/admin/orgs/clinic/staff', { externalId: 'dr-lee', name: 'Dr Lee', role: 'staff' })).body;
      await call('POST', '/admin/orgs/clinic/patients', { externalId: 'pt-1', name: 'Ana Ortiz' });
      const list = (await call('POST', '/admin/orgs/clinic/lists', { name: 'Care team' })).body;
      await call('POST', `/admin/orgs/clinic/lists/${list.id}/members`, { staffId: staff.id });
      await call('POST', '/admin/orgs/clinic/locations', { name: 'Main Street' });
      await call('GET', '/admin/orgs/clinic/patients');
      await call('DELETE', '/admin/orgs/clinic/keys/clinic-k1');

      const trail = await call('GET', '/admin/orgs/clinic/audit');
      expect(trail.status).toBe(200);
      const actions = trail.body.entries.map((e: { action: string }) => e.action).reverse();
      expect(actions).toEqual(['org.create', 'key.add', 'origin.add', 'staff.upsert', 'patient.upsert', 'list.create', 'list.member.add', 'location.create', 'patient.list', 'key.revoke']);
      for (const entry of trail.body.entries) expect(entry.actor).toEqual({ kind: 'admin-key', id: 'admin' });
      expect(trail.text).not.toContain(SECRET);
      expect(trail.text).not.toContain('Ana Ortiz');
      expect((await call('GET', '/admin/orgs/clinic/audit?limit=2')).body.entries).toHaveLength(2);
      expect((await call('GET', '/admin/orgs/clinic/audit?limit=0')).status).toBe(400);
    });

    it('a refused write leaves no audit row', async () => {
      await call('POST', '/admin/orgs', { id: 'clinic', name: 'Clinic' });
      await call('POST', '/admin/orgs/clinic/keys', { alg: 'HS256', secret: 'short', issuer: 'i', audience: 'a' });
      await call('POST', '/admin/orgs/clinic/origins', { origin: 'https://x.example/' });
      const actions = (await call('GET', '/admin/orgs/clinic/audit')).body.entries.map((e: { action: string }) => e.action);
      expect(actions).toEqual(['org.create']);
    });
  });

  describe('on a database that is closed and reopened', () => {
    it('what the admin API sets up survives closing and reopening the database', async () => {
      const location = await databases.fresh();
      const fileCtx = await createTestContext({ database: location });
      api = createApi(fileCtx);
      const key = await orgWithKey('clinic');
      await call('POST', '/admin/orgs/clinic/origins', { origin: 'https://portal.clinic.example' });
      await fileCtx.db.destroy();

      const reopened = { ...fileCtx, db: await openDatabase(location) };
      try {
        api = createApi(reopened);
        const token = await mintToken(key, { sub: 'pt-1', org: 'clinic', role: 'patient', name: 'Ana' });
        const me = await api.request('/v1/me', { headers: { Authorization: `Bearer ${token}`, Origin: 'https://portal.clinic.example' } });
        expect(me.status).toBe(200);
        expect((await me.json()).me).toEqual({ id: 'pt-1', name: 'Ana', role: 'patient' });
      } finally {
        await reopened.db.destroy();
      }
    });
  });
});
