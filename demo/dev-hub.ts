// DEVELOPMENT ONLY. The demo's stand-in for a vendor's backend in hub mode: one made-up clinic
// with an HS256 key whose "secret" is written below for anyone to read, and a token minter
// that signs whoever a page asks to be. A real vendor keeps its key in its own backend and
// signs tokens only for people it has signed in; nothing here is fit for that.
import { SignJWT } from 'jose';
import * as v from 'valibot';
import { getKey, getOrg, createOrg, addKey, addOrigin } from '../hub/db/repositories/orgs.js';
import type { HubContext } from '../hub/context.js';
import { IdSchema, LIMITS } from '../protocol/index.js';
import { StaffRoleName } from '../protocol/rest.js';
import { setRole } from '../hub/db/repositories/roles.js';

export const DEV_ORG = { id: 'org_northside_demo', name: 'Northside Virtual Clinic (demo)' } as const;

/** Public on purpose: a development key, never a secret. The hub trusts it only for the demo org. */
export const DEV_KEY = {
  kid: 'northside-demo-dev-key',
  alg: 'HS256',
  secret: 'DEV-ONLY-not-a-secret-northside-demo-signing-key-0000000000',
  issuer: 'clinic-chat-demo (development tokens)',
  audience: 'clinic-chat',
} as const;

/** How long a development token lives; the widget asks for a fresh one before it runs out. */
export const DEV_TOKEN_TTL_SEC = 10 * 60;

/** Creates the demo org and its development key if they are missing, and allows `origin` to connect. */
export async function ensureDevOrg(ctx: HubContext, origin: string): Promise<void> {
  if (!(await getOrg(ctx.db, DEV_ORG.id))) await createOrg(ctx.db, DEV_ORG);
  const key = await getKey(ctx.db, DEV_KEY.kid);
  if (key && (key.org_id !== DEV_ORG.id || key.secret !== DEV_KEY.secret)) {
    throw new Error(`the database already holds a different key named ${DEV_KEY.kid}; use another data folder`);
  }
  if (!key) {
    await addKey(ctx.db, DEV_ORG.id, { id: DEV_KEY.kid, alg: DEV_KEY.alg, secret: DEV_KEY.secret, issuer: DEV_KEY.issuer, audience: DEV_KEY.audience });
  }
  await addOrigin(ctx.db, DEV_ORG.id, origin);
  // A role that only reads, so the demo shows what the inbox hides from it.
  await setRole(ctx.db, DEV_ORG.id, 'trainee', ['chats.read']);
}

const TokenRequest = v.object({
  sub: IdSchema,
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.nameChars)),
  role: v.union([v.literal('patient'), StaffRoleName]),
  visit: v.optional(IdSchema),
});

/**
 * Signs a development token for `?sub=&name=&role=patient|staff|admin|trainee[&visit=]`. Throws a RangeError
 * for a request that does not say who clearly enough (the demo server answers it with a 400).
 */
export async function mintDevToken(params: URLSearchParams): Promise<string> {
  const parsed = v.safeParse(TokenRequest, {
    sub: params.get('sub') ?? undefined,
    name: params.get('name') ?? undefined,
    role: params.get('role') ?? undefined,
    visit: params.get('visit') || undefined,
  });
  if (!parsed.success) throw new RangeError(`bad token request: ${v.summarize(parsed.issues)}`);
  const { sub, name, role, visit } = parsed.output;
  return new SignJWT({ org: DEV_ORG.id, role, name, ...(visit !== undefined && { visit }) })
    .setProtectedHeader({ alg: DEV_KEY.alg, typ: 'JWT', kid: DEV_KEY.kid })
    .setSubject(sub)
    .setIssuer(DEV_KEY.issuer)
    .setAudience(DEV_KEY.audience)
    .setIssuedAt()
    .setExpirationTime(`${DEV_TOKEN_TTL_SEC}s`)
    .sign(new TextEncoder().encode(DEV_KEY.secret));
}
