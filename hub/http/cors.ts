// CORS for the user API. A preflight carries no identity, so it is answered for any origin
// some org allows; the real request is then held to the caller's own org by requireIdentity
// (403 otherwise). Tokens travel in a header, never cookies: no credentials mode.
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { HubContext } from '../context.js';
import { anyOrgAllowsOrigin } from '../db/repositories/orgs.js';

export function orgCors(ctx: HubContext): MiddlewareHandler {
  return cors({
    origin: async (origin) => (origin && (await anyOrgAllowsOrigin(ctx.db, origin)) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Content-Disposition'],
    maxAge: 600,
    credentials: false,
  });
}
