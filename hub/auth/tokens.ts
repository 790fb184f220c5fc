// Verifies the JWTs a vendor's backend signs to say who a caller is. The key named by the
// token's `kid` pins everything: the one algorithm accepted, issuer, audience, and the only
// org the token may speak for. A token never chooses how it is checked.
import { decodeProtectedHeader, errors, importSPKI, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import * as v from 'valibot';
import { IdSchema } from '../../protocol/frames.js';
import { ROLE_NAME } from '../../protocol/permissions.js';
import { LIMITS } from '../../protocol/limits.js';
import type { HubContext } from '../context.js';
import type { HubDatabase } from '../db/database.js';
import { getKey } from '../db/repositories/orgs.js';
import { upsertPatient, upsertStaff } from '../db/repositories/people.js';
import type { OrgKey } from '../db/tables.js';
import type { Identity, TokenRole } from './identity.js';
import { permissionsOfRole } from './permissions.js';

/** Why a token was refused: short, fixed phrases that never quote the token or its claims. */
export type AuthFailure =
  | 'missing token'
  | 'malformed token'
  | 'missing kid'
  | 'unknown key'
  | 'unusable key'
  | 'algorithm not allowed'
  | 'bad signature'
  | 'expired'
  | 'not yet valid'
  | 'wrong issuer'
  | 'wrong audience'
  | 'missing expiry'
  | 'lifetime too long'
  | 'org mismatch'
  | 'bad role'
  | 'unknown role'
  | 'bad subject'
  | 'bad claims';

/** Every way a token can be refused; maps to HTTP 401 / an `unauthorized` error frame. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code = 'unauthorized' as const;
  constructor(readonly reason: AuthFailure) {
    super(reason);
  }
}

/** What a verified token says, before anything is written. */
export interface VerifiedToken {
  orgId: string;
  role: TokenRole;
  sub: string;
  name: string;
  visit?: string;
  lists: string[];
  /** Epoch ms. */
  expiresAt: number;
}

/** `patient`, or a staff role's name (checked against the org's roles when the person is resolved). */
const RoleClaim = v.pipe(v.string(), v.regex(ROLE_NAME));
const NameClaim = v.optional(v.pipe(v.string(), v.trim(), v.maxLength(LIMITS.nameChars)));
const ListsClaim = v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.nameChars))), v.maxLength(100)));

type VerifyKey = CryptoKey | Uint8Array;

/** Imported keys by kid, per database (tests open many); the stored material is kept to notice a changed row. */
const keyCache = new WeakMap<HubDatabase, Map<string, { material: string; key: VerifyKey }>>();

async function verifyKeyOf(ctx: HubContext, row: OrgKey): Promise<VerifyKey> {
  let cache = keyCache.get(ctx.db);
  if (!cache) keyCache.set(ctx.db, (cache = new Map()));
  const material = row.alg === 'HS256' ? row.secret : row.public_key;
  if (!material) throw new AuthError('unusable key');
  const cached = cache.get(row.id);
  if (cached && cached.material === material) return cached.key;
  let key: VerifyKey;
  try {
    key = row.alg === 'HS256' ? new TextEncoder().encode(material) : await importSPKI(material, row.alg);
  } catch (err) {
    ctx.log.warn({ kid: row.id, error: (err as Error).message }, 'stored public key does not import');
    throw new AuthError('unusable key');
  }
  cache.set(row.id, { material, key });
  return key;
}

function failureOf(err: unknown): AuthFailure | undefined {
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'exp') return 'missing expiry';
    if (err.claim === 'nbf') return 'not yet valid';
    if (err.claim === 'iss') return 'wrong issuer';
    if (err.claim === 'aud') return 'wrong audience';
    return 'bad claims';
  }
  if (err instanceof errors.JOSEError) return 'malformed token';
  return undefined;
}

/** Checks a token completely and says what it claims. Writes nothing. */
export async function verifyClaims(ctx: HubContext, token: string): Promise<VerifiedToken> {
  if (!token) throw new AuthError('missing token');
  if (token.length > LIMITS.tokenChars) throw new AuthError('malformed token');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new AuthError('malformed token');
  }
  if (typeof header.kid !== 'string' || header.kid === '') throw new AuthError('missing kid');
  const row = await getKey(ctx.db, header.kid);
  if (!row) throw new AuthError('unknown key');
  // jose enforces this too (algorithms below); checking first keeps alg=none and HS/RS confusion out of the crypto path.
  if (header.alg !== row.alg) throw new AuthError('algorithm not allowed');
  const key = await verifyKeyOf(ctx, row);

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [row.alg],
      issuer: row.issuer,
      audience: row.audience,
      clockTolerance: ctx.clockToleranceSec,
      requiredClaims: ['exp'],
    }));
  } catch (err) {
    const failure = failureOf(err);
    if (failure) throw new AuthError(failure);
    ctx.log.warn({ kid: row.id, error: (err as Error).message }, 'token verification failed unexpectedly');
    throw new AuthError('unusable key');
  }

  const nowSec = Date.now() / 1000;
  const exp = payload.exp as number;
  if (exp - nowSec > ctx.maxTokenTtlSec + ctx.clockToleranceSec) throw new AuthError('lifetime too long');
  if (payload.org !== row.org_id) throw new AuthError('org mismatch');
  const role = v.safeParse(RoleClaim, payload.role);
  if (!role.success) throw new AuthError('bad role');
  const sub = v.safeParse(IdSchema, payload.sub);
  if (!sub.success) throw new AuthError('bad subject');
  const name = v.safeParse(NameClaim, payload.name);
  const visit = v.safeParse(v.optional(IdSchema), payload.visit);
  const lists = v.safeParse(ListsClaim, payload.lists);
  if (!name.success || !visit.success || !lists.success) throw new AuthError('bad claims');

  return {
    orgId: row.org_id,
    role: role.output,
    sub: sub.output,
    name: name.output || sub.output,
    ...(visit.output !== undefined && { visit: visit.output }),
    lists: role.output === 'patient' ? [] : (lists.output ?? []),
    expiresAt: exp * 1000,
  };
}

/** Records the person a verified token names (the vendor's backend is the source of truth for names and roles). */
export async function resolveIdentity(ctx: HubContext, token: VerifiedToken): Promise<Identity> {
  const common = {
    orgId: token.orgId,
    role: token.role,
    externalId: token.sub,
    name: token.name,
    ...(token.visit !== undefined && { visit: token.visit }),
    lists: token.lists,
    expiresAt: token.expiresAt,
  };
  const permissions = await permissionsOfRole(ctx, token.orgId, token.role);
  if (!permissions) throw new AuthError('unknown role');
  const kind = token.role === 'patient' ? 'patient' : 'staff';
  // A person seen moments ago with the same name and role needs no write: REST calls and
  // reconnects would otherwise cost a commit each.
  const key = JSON.stringify([token.orgId, token.role, token.sub, token.name]);
  const known = recentPeople(ctx);
  const hit = known.get(key);
  if (hit && Date.now() - hit.at < PERSON_CACHE_MS) return { ...common, kind, id: hit.id, permissions };
  const id =
    kind === 'patient'
      ? (await upsertPatient(ctx.db, token.orgId, { externalId: token.sub, name: token.name })).id
      : (await upsertStaff(ctx.db, token.orgId, { externalId: token.sub, name: token.name, role: token.role })).id;
  if (known.size >= PERSON_CACHE_SIZE) known.delete(known.keys().next().value!);
  known.set(key, { id, at: Date.now() });
  return { ...common, kind, id, permissions };
}

const PERSON_CACHE_MS = 60_000;
const PERSON_CACHE_SIZE = 10_000;
const people = new WeakMap<HubContext, Map<string, { id: string; at: number }>>();

function recentPeople(ctx: HubContext): Map<string, { id: string; at: number }> {
  let map = people.get(ctx);
  if (!map) people.set(ctx, (map = new Map()));
  return map;
}

/** Verifies a token and records its person: the identity every hub query is then scoped by. */
export async function verifyToken(ctx: HubContext, token: string): Promise<Identity> {
  return resolveIdentity(ctx, await verifyClaims(ctx, token));
}
