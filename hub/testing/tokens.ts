// Token minting for tests and the demo's development key: jose's SignJWT with the claims a
// vendor's backend would sign, plus forgeries for the attack matrix that REST and WebSocket
// tests share. Never used by the hub itself.
import { SignJWT, base64url, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { nanoid } from 'nanoid';
import type { HubContext } from '../context.js';
import type { AuthFailure } from '../auth/tokens.js';
import { addKey, addOrigin, createOrg, revokeKey } from '../db/repositories/orgs.js';
import type { KeyAlg, Org } from '../db/tables.js';

export interface SigningKey {
  kid: string;
  alg: KeyAlg;
  /** HS256 shared secret. */
  secret?: string;
  /** ES256/RS256 private key. */
  privateKey?: CryptoKey;
  issuer?: string;
  audience?: string;
}

export interface TestClaims {
  sub?: unknown;
  org?: unknown;
  role?: unknown;
  name?: unknown;
  visit?: unknown;
  lists?: unknown;
  [claim: string]: unknown;
}

export interface MintOptions {
  issuer?: string;
  audience?: string;
  /** Seconds from now until `exp` (default 600); ignored when `exp` is given. */
  expiresIn?: number;
  /** Absolute `exp`, epoch seconds; null leaves the claim out. */
  exp?: number | null;
  /** `nbf`, epoch seconds. */
  notBefore?: number;
  /** Leave `kid` out of the header. */
  noKid?: boolean;
  /** Sign with this algorithm instead of the key's (to test confusion). */
  alg?: string;
}

const nowSec = () => Math.floor(Date.now() / 1000);

export async function mintToken(key: SigningKey, claims: TestClaims, opts: MintOptions = {}): Promise<string> {
  const alg = opts.alg ?? key.alg;
  const jwt = new SignJWT(claims as JWTPayload).setProtectedHeader({ alg, typ: 'JWT', ...(!opts.noKid && { kid: key.kid }) }).setIssuedAt();
  const issuer = opts.issuer ?? key.issuer;
  const audience = opts.audience ?? key.audience;
  if (issuer !== undefined) jwt.setIssuer(issuer);
  if (audience !== undefined) jwt.setAudience(audience);
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? nowSec() + (opts.expiresIn ?? 600));
  if (opts.notBefore !== undefined) jwt.setNotBefore(opts.notBefore);
  const signingKey = alg.startsWith('HS') ? new TextEncoder().encode(key.secret ?? '') : key.privateKey;
  if (!signingKey) throw new Error(`mintToken: key ${key.kid} has no private key for ${alg}`);
  return jwt.sign(signingKey);
}

/** A compact JWS from any header and payload, with whatever signature (none, by default). */
export function forgeToken(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(payload)}.${signature}`;
}

export interface TestOrg {
  org: Org;
  key: Required<Pick<SigningKey, 'kid' | 'alg' | 'secret' | 'issuer' | 'audience'>>;
  origin: string;
  /** A valid token for this org (patient by default). */
  mint(claims?: TestClaims, opts?: MintOptions): Promise<string>;
}

/** An org with an HS256 key and one allowed origin, straight through the repositories. */
export async function createTestOrg(ctx: HubContext, input: { id?: string; name?: string; origin?: string } = {}): Promise<TestOrg> {
  const org = await createOrg(ctx.db, { ...(input.id !== undefined && { id: input.id }), name: input.name ?? 'Test Clinic' });
  const key = {
    kid: `kid-${org.id}-${nanoid(6)}`,
    alg: 'HS256' as const,
    secret: `secret-${nanoid(40)}`,
    issuer: `https://backend.${org.id}.test`,
    audience: 'clinic-chat',
  };
  await addKey(ctx.db, org.id, { id: key.kid, alg: key.alg, secret: key.secret, issuer: key.issuer, audience: key.audience });
  const origin = input.origin ?? `https://${org.id.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example`;
  await addOrigin(ctx.db, org.id, origin);
  return {
    org,
    key,
    origin,
    mint: (claims = {}, opts = {}) => mintToken(key, { sub: 'patient-1', org: org.id, role: 'patient', name: 'Pat One', ...claims }, opts),
  };
}

export interface AttackCase {
  name: string;
  /** Why the hub must refuse it. */
  reason: AuthFailure;
  token: string;
}

/**
 * Tokens that must all be refused, aimed at `target`'s org: forged, confused, tampered,
 * stale, mis-addressed and over-claiming. Adds an RS256 key and a revoked key to the target
 * org and creates a second org (people tables are left untouched, so a test can check
 * that refusing wrote nothing).
 */
export async function attackMatrix(ctx: HubContext, target: TestOrg): Promise<AttackCase[]> {
  const { issuer, audience } = target.key;
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const rsaPem = await exportSPKI(rsa.publicKey);
  const rsaKey: SigningKey = { kid: `rsa-${nanoid(8)}`, alg: 'RS256', privateKey: rsa.privateKey, issuer, audience };
  await addKey(ctx.db, target.org.id, { id: rsaKey.kid, alg: 'RS256', publicKey: rsaPem, issuer, audience });
  const es = await generateKeyPair('ES256');
  const revoked: SigningKey = { ...target.key, kid: `revoked-${nanoid(8)}`, secret: `revoked-${nanoid(40)}` };
  await addKey(ctx.db, target.org.id, { id: revoked.kid, alg: 'HS256', secret: revoked.secret!, issuer, audience });
  await revokeKey(ctx.db, target.org.id, revoked.kid);
  const other = await createTestOrg(ctx, { name: 'Other Clinic' });

  const claims = { sub: 'mallory', org: target.org.id, role: 'patient', name: 'Mallory' };
  const now = nowSec();
  const valid = await target.mint(claims);
  const [header, , signature] = valid.split('.');
  const tamperedPayload = base64url.encode(JSON.stringify({ ...claims, sub: 'someone-else', iss: issuer, aud: audience, exp: now + 600 }));

  return [
    { name: 'alg=none (unsigned)', reason: 'algorithm not allowed', token: forgeToken({ alg: 'none', typ: 'JWT', kid: target.key.kid }, { ...claims, iss: issuer, aud: audience, exp: now + 600 }) },
    {
      name: 'HS/RS confusion: HS256 signed with the RS256 public key PEM, for the RS256 kid',
      reason: 'algorithm not allowed',
      token: await mintToken({ kid: rsaKey.kid, alg: 'HS256', secret: rsaPem, issuer, audience }, claims),
    },
    { name: 'ES256 token for an RS256 kid', reason: 'algorithm not allowed', token: await mintToken({ ...rsaKey, privateKey: es.privateKey }, claims, { alg: 'ES256' }) },
    { name: 'tampered payload', reason: 'bad signature', token: `${header}.${tamperedPayload}.${signature}` },
    { name: 'wrong secret', reason: 'bad signature', token: await mintToken({ ...target.key, secret: `wrong-${nanoid(40)}` }, claims) },
    { name: 'expired', reason: 'expired', token: await target.mint(claims, { exp: now - 120 }) },
    { name: 'nbf in the future', reason: 'not yet valid', token: await target.mint(claims, { notBefore: now + 300 }) },
    { name: 'wrong issuer', reason: 'wrong issuer', token: await target.mint(claims, { issuer: 'https://evil.example' }) },
    { name: 'wrong audience', reason: 'wrong audience', token: await target.mint(claims, { audience: 'some-other-app' }) },
    { name: 'unknown kid', reason: 'unknown key', token: await mintToken({ ...target.key, kid: 'no-such-kid' }, claims) },
    { name: 'revoked kid', reason: 'unknown key', token: await mintToken(revoked, claims) },
    { name: 'no kid', reason: 'missing kid', token: await target.mint(claims, { noKid: true }) },
    { name: "org claim is another org (the key's own org is pinned)", reason: 'org mismatch', token: await target.mint({ ...claims, org: other.org.id }) },
    { name: "another org's key minting this org's identities", reason: 'org mismatch', token: await mintToken(other.key, claims) },
    { name: "role 'superuser' (not one of the org's)", reason: 'unknown role', token: await target.mint({ ...claims, role: 'superuser' }) },
    { name: "role 'Super User!'", reason: 'bad role', token: await target.mint({ ...claims, role: 'Super User!' }) },
    { name: 'sub with bad characters', reason: 'bad subject', token: await target.mint({ ...claims, sub: 'pat/../1 <x>' }) },
    { name: 'lifetime beyond the maximum', reason: 'lifetime too long', token: await target.mint(claims, { expiresIn: ctx.maxTokenTtlSec + 3600 }) },
    { name: 'no exp', reason: 'missing expiry', token: await target.mint(claims, { exp: null }) },
    { name: 'malformed token', reason: 'malformed token', token: 'not-a-jwt' },
  ];
}
