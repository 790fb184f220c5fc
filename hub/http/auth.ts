// Who may call: `requireIdentity` for the user API (a vendor-signed JWT in the Authorization
// header, from an origin the caller's org allows) and `requireAdminKey` for the admin API.
// Credentials are only ever read from headers; one in a URL is refused, because URLs end up
// in access logs, browser history and Referer headers.
import type { Context, MiddlewareHandler } from 'hono';
import { adminKeyMatches } from '../auth/admin-key.js';
import type { Identity } from '../auth/identity.js';
import { AuthError, resolveIdentity, verifyClaims } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { isOriginAllowed } from '../db/repositories/orgs.js';
import { httpError } from './errors.js';

export interface UserEnv {
  Variables: { identity: Identity };
}

const CREDENTIAL_PARAMS = new Set(['token', 'access_token', 'id_token', 'jwt', 'auth', 'authorization', 'bearer', 'key', 'api_key', 'apikey', 'admin_key']);
/** A compact JWS: its header is JSON, so base64url `{"…`; alg=none leaves the signature empty. */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function refuseCredentialsInUrl(c: Context, adminKey?: string): void {
  const query = new URL(c.req.url).searchParams;
  for (const [name, value] of query) {
    if (CREDENTIAL_PARAMS.has(name.toLowerCase()) || JWT_SHAPE.test(value) || (adminKey !== undefined && value === adminKey)) {
      throw httpError(400, 'invalid', 'credentials never go in URLs: send them as Authorization: Bearer <token>');
    }
  }
}

function bearerOf(c: Context): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

export function requireIdentity(ctx: HubContext): MiddlewareHandler<UserEnv> {
  return async function requireIdentity(c, next) {
    refuseCredentialsInUrl(c);
    const token = bearerOf(c);
    if (!token) throw new AuthError('missing token');
    const claims = await verifyClaims(ctx, token);
    // Checked before the person is recorded, so a page on a foreign origin changes nothing.
    const origin = c.req.header('origin');
    if (origin !== undefined && !(await isOriginAllowed(ctx.db, claims.orgId, origin))) {
      throw httpError(403, 'forbidden', 'this origin is not allowed for the org');
    }
    c.set('identity', await resolveIdentity(ctx, claims));
    await next();
  };
}

export function requireAdminKey(ctx: HubContext): MiddlewareHandler {
  return async function requireAdminKey(c, next) {
    // No key configured: there is no admin API to find.
    if (!ctx.adminKey) throw httpError(404, 'not-found', 'no such route');
    refuseCredentialsInUrl(c, ctx.adminKey);
    const presented = bearerOf(c);
    if (presented === undefined || !adminKeyMatches(ctx.adminKey, presented)) {
      throw httpError(401, 'unauthorized', 'a valid admin key is required', { 'WWW-Authenticate': 'Bearer' });
    }
    await next();
  };
}
