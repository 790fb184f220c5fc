// GET /v1/me: the caller as the widget sees them, and when their token runs out.
import { Hono } from 'hono';
import type { MeResponse } from '../../protocol/rest.js';
import { peerOf } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import type { UserEnv } from '../http/auth.js';

export function meApp(_ctx: HubContext) {
  return new Hono<UserEnv>().get('/', (c) => {
    const identity = c.get('identity');
    const body: MeResponse = {
      me: peerOf(identity),
      org: identity.orgId,
      tokenRole: identity.role,
      ...(identity.visit !== undefined && { visit: identity.visit }),
      lists: identity.lists,
      expiresAt: identity.expiresAt,
      permissions: [...identity.permissions],
    };
    return c.json(body);
  });
}
