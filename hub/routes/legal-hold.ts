// PUT /v1/inbox/:id/legal-hold (`settings.manage`): puts a conversation on legal hold, which the
// retention purge never deletes, or takes it off. Audited (ids and the new value); every staff
// screen showing the conversation gets it live.
import { Hono } from 'hono';
import { LegalHoldBody } from '../../protocol/inbox.js';
import { requirePermission } from '../auth/permissions.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import { setLegalHold } from '../db/repositories/retention.js';
import type { UserEnv } from '../http/auth.js';
import { httpError } from '../http/errors.js';
import { parseBody } from '../http/validate.js';
import type { InboxLive } from '../realtime/inbox-live.js';

/** Mounted at /v1/inbox, before the inbox's own routes. */
export function legalHoldApp(ctx: HubContext, live: Pick<InboxLive, 'changed'>) {
  return new Hono<UserEnv>().put('/:id/legal-hold', async (c) => {
    const identity = c.get('identity');
    requirePermission(identity, 'settings.manage');
    const { hold } = await parseBody(c, LegalHoldBody);
    const id = c.req.param('id');
    // Scoped by the caller's org: another org's conversation is, from here, one that does not exist.
    if (!(await setLegalHold(ctx.db, identity.orgId, id, hold))) throw httpError(404, 'not-found', 'no such conversation');
    await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'conversation.legal-hold', subject: { type: 'conversation', id }, detail: { hold } });
    await live.changed(identity.orgId, id);
    return c.json({ hold });
  });
}
