// Token verification is the hub's front door: the three key types are accepted, and every
// forged, confused, stale or over-claiming token is refused with `unauthorized` and leaves
// no trace in the people tables.
import { exportSPKI, generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubContext } from '../context.js';
import { addKey } from '../db/repositories/orgs.js';
import { listPatients, listStaff } from '../db/repositories/people.js';
import { createTestContext } from '../testing/context.js';
import { attackMatrix, createTestOrg, mintToken, type SigningKey, type TestOrg } from '../testing/tokens.js';
import { AuthError, verifyClaims, verifyToken } from './tokens.js';
import { eachDialect } from '../testing/databases.js';

eachDialect((databases) => {
  let ctx: HubContext;
  let clinic: TestOrg;

  beforeEach(async () => {
    ctx = await createTestContext({ database: await databases.fresh() });
    clinic = await createTestOrg(ctx, { id: 'org-a' });
  });
  afterEach(() => ctx.db.destroy());

  async function peopleCount(orgId: string): Promise<number> {
    return (await listPatients(ctx.db, orgId)).length + (await listStaff(ctx.db, orgId)).length;
  }

  async function asymmetricKey(alg: 'ES256' | 'RS256'): Promise<SigningKey> {
    const pair = await generateKeyPair(alg, { extractable: true });
    const key: SigningKey = { kid: `${alg.toLowerCase()}-key`, alg, privateKey: pair.privateKey, issuer: clinic.key.issuer, audience: clinic.key.audience };
    await addKey(ctx.db, clinic.org.id, { id: key.kid, alg, publicKey: await exportSPKI(pair.publicKey), issuer: key.issuer!, audience: key.audience! });
    return key;
  }

  describe('verifyToken accepts what the vendor signed', () => {
    it('an HS256 patient token becomes a patient identity and records the patient', async () => {
      const identity = await verifyToken(ctx, await clinic.mint({ sub: 'pt-1', name: 'Ana Ortiz', visit: 'visit-7' }));
      expect(identity).toMatchObject({ orgId: 'org-a', kind: 'patient', role: 'patient', externalId: 'pt-1', name: 'Ana Ortiz', visit: 'visit-7', lists: [] });
      expect(identity.id).toMatch(/^pat_/);
      expect(identity.expiresAt).toBeGreaterThan(Date.now());
      const patients = await listPatients(ctx.db, 'org-a');
      expect(patients.map((p) => [p.id, p.external_id, p.name])).toEqual([[identity.id, 'pt-1', 'Ana Ortiz']]);
    });

    it.each(['ES256', 'RS256'] as const)('an %s staff token verifies against the stored public key', async (alg) => {
      const key = await asymmetricKey(alg);
      const identity = await verifyToken(ctx, await mintToken(key, { sub: 'dr-lee', org: 'org-a', role: 'staff', name: 'Dr Lee', lists: ['care-team'] }));
      expect(identity).toMatchObject({ kind: 'staff', role: 'staff', externalId: 'dr-lee', lists: ['care-team'] });
      expect((await listStaff(ctx.db, 'org-a')).map((s) => [s.external_id, s.role])).toEqual([['dr-lee', 'staff']]);
    });

    it('an admin token is a staff identity with the admin role', async () => {
      const identity = await verifyToken(ctx, await clinic.mint({ sub: 'boss', role: 'admin', name: 'Boss' }));
      expect(identity).toMatchObject({ kind: 'staff', role: 'admin' });
      expect((await listStaff(ctx.db, 'org-a'))[0]?.role).toBe('admin');
    });

    it('the display name defaults to the subject', async () => {
      const identity = await verifyToken(ctx, await clinic.mint({ sub: 'pt-2', name: undefined }));
      expect(identity.name).toBe('pt-2');
    });

    it('the same subject twice is one person, renamed by the newer token', async () => {
      const first = await verifyToken(ctx, await clinic.mint({ sub: 'pt-3', name: 'Old Name' }));
      const second = await verifyToken(ctx, await clinic.mint({ sub: 'pt-3', name: 'New Name' }));
      expect(second.id).toBe(first.id);
      expect((await listPatients(ctx.db, 'org-a')).map((p) => p.name)).toEqual(['New Name']);
    });

    it('a token within the clock tolerance of its expiry is still accepted', async () => {
      const token = await clinic.mint({}, { exp: Math.floor(Date.now() / 1000) - 2 });
      await expect(verifyToken(ctx, token)).resolves.toMatchObject({ externalId: 'patient-1' });
    });

    it('verifyClaims checks a token without recording anyone', async () => {
      const claims = await verifyClaims(ctx, await clinic.mint({ sub: 'pt-4' }));
      expect(claims).toMatchObject({ orgId: 'org-a', sub: 'pt-4', role: 'patient' });
      expect(await peopleCount('org-a')).toBe(0);
    });
  });

  describe('the JWT attack matrix: each token is refused and nothing is written', () => {
    it('refuses every attack with unauthorized, a fixed reason, and no person recorded', async () => {
      const cases = await attackMatrix(ctx, clinic);
      expect(cases.length).toBeGreaterThanOrEqual(18);
      for (const attack of cases) {
        const error = await verifyToken(ctx, attack.token).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error, attack.name).toBeInstanceOf(AuthError);
        expect((error as AuthError).code, attack.name).toBe('unauthorized');
        expect((error as AuthError).reason, attack.name).toBe(attack.reason);
        expect((error as AuthError).message, attack.name).not.toContain(attack.token.slice(0, 20));
      }
      const orgs = await ctx.db.selectFrom('orgs').select('id').execute();
      for (const { id } of orgs) expect(await peopleCount(id)).toBe(0);
    });

    it('a stored public key that no longer imports refuses tokens instead of failing the request', async () => {
      await addKey(ctx.db, 'org-a', { id: 'broken', alg: 'ES256', publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', issuer: 'i', audience: 'a' });
      const es = await generateKeyPair('ES256');
      const token = await mintToken({ kid: 'broken', alg: 'ES256', privateKey: es.privateKey, issuer: 'i', audience: 'a' }, { sub: 'x', org: 'org-a', role: 'patient' });
      await expect(verifyToken(ctx, token)).rejects.toMatchObject({ code: 'unauthorized', reason: 'unusable key' });
    });

    it('an empty or oversized token is refused before any lookup', async () => {
      await expect(verifyToken(ctx, '')).rejects.toMatchObject({ reason: 'missing token' });
      await expect(verifyToken(ctx, 'a'.repeat(9000))).rejects.toMatchObject({ reason: 'malformed token' });
    });
  });
});
