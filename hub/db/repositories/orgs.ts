// Orgs, their signing keys and allowed origins.
import { nanoid } from 'nanoid';
import type { HubDatabase } from '../database.js';
import type { KeyAlg, Org, OrgKey } from '../tables.js';

export async function createOrg(db: HubDatabase, input: { id?: string; name: string }, now = Date.now()): Promise<Org> {
  const org: Org = { id: input.id ?? `org_${nanoid(12)}`, name: input.name, retention_days: null, created_at: now };
  await db.insertInto('orgs').values(org).execute();
  return org;
}

export function getOrg(db: HubDatabase, orgId: string): Promise<Org | undefined> {
  return db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
}

export function listOrgs(db: HubDatabase): Promise<Org[]> {
  return db.selectFrom('orgs').selectAll().orderBy('created_at').execute();
}

export interface NewKey {
  id?: string;
  alg: KeyAlg;
  secret?: string;
  publicKey?: string;
  issuer: string;
  audience: string;
}

export async function addKey(db: HubDatabase, orgId: string, key: NewKey, now = Date.now()): Promise<OrgKey> {
  const row: OrgKey = {
    id: key.id ?? `key_${nanoid(12)}`,
    org_id: orgId,
    alg: key.alg,
    secret: key.secret ?? null,
    public_key: key.publicKey ?? null,
    issuer: key.issuer,
    audience: key.audience,
    created_at: now,
    revoked_at: null,
  };
  await db.insertInto('org_keys').values(row).execute();
  return row;
}

/** A key by its `kid`, across orgs: the token's header names it before we know the org. */
export function getKey(db: HubDatabase, kid: string): Promise<OrgKey | undefined> {
  return db.selectFrom('org_keys').selectAll().where('id', '=', kid).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function revokeKey(db: HubDatabase, orgId: string, kid: string, now = Date.now()): Promise<boolean> {
  const result = await db.updateTable('org_keys').set({ revoked_at: now }).where('org_id', '=', orgId).where('id', '=', kid).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function addOrigin(db: HubDatabase, orgId: string, origin: string): Promise<void> {
  await db.insertInto('org_origins').values({ org_id: orgId, origin }).onConflict((oc) => oc.doNothing()).execute();
}

export async function listOrigins(db: HubDatabase, orgId: string): Promise<string[]> {
  const rows = await db.selectFrom('org_origins').select('origin').where('org_id', '=', orgId).execute();
  return rows.map((r) => r.origin);
}

export async function isOriginAllowed(db: HubDatabase, orgId: string, origin: string): Promise<boolean> {
  const row = await db.selectFrom('org_origins').select('origin').where('org_id', '=', orgId).where('origin', '=', origin).executeTakeFirst();
  return Boolean(row);
}

/** For CORS preflights, which carry no identity: does any org allow this origin? */
export async function anyOrgAllowsOrigin(db: HubDatabase, origin: string): Promise<boolean> {
  const row = await db.selectFrom('org_origins').select('origin').where('origin', '=', origin).limit(1).executeTakeFirst();
  return Boolean(row);
}
