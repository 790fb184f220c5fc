// The timeline's events over REST. Staff read a conversation's events (GET
// /v1/inbox/:id/events); the vendor's backend adds call summaries and emails to a patient's
// conversation (POST /admin/orgs/:org/patients/:patient/timeline, admin key), and every staff
// screen showing it gets them live. Patients never read events.
import { Hono } from 'hono';
import { VendorEventBody, type TimelineEventsResponse } from '../../protocol/timeline.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import { findPatientConversation } from '../db/repositories/conversations.js';
import { eventsOf } from '../db/repositories/events.js';
import { getPatientByExternalId } from '../db/repositories/people.js';
import type { Org } from '../db/tables.js';
import { visibleConversation } from '../domain/access.js';
import { Timeline } from '../domain/timeline.js';
import { requirePermission } from '../auth/permissions.js';
import type { UserEnv } from '../http/auth.js';
import { httpError } from '../http/errors.js';
import { parseBody } from '../http/validate.js';
import type { InboxLive } from '../realtime/inbox-live.js';

/** Mounted at /v1/inbox, before the inbox's own routes. */
export function timelineApp(ctx: HubContext) {
  return new Hono<UserEnv>().get('/:id/events', async (c) => {
    const identity = c.get('identity');
    requirePermission(identity, 'chats.read');
    const conversation = await visibleConversation(ctx.db, identity, c.req.param('id'));
    if (!conversation) throw httpError(404, 'not-found', 'no such conversation');
    const events = await eventsOf(ctx.db, identity.orgId, conversation.id);
    await audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action: 'events.read', subject: { type: 'conversation', id: conversation.id }, detail: { count: events.length } });
    const body: TimelineEventsResponse = { events };
    return c.json(body);
  });
}

/** Mounted at /admin/orgs/:org/patients/:patient/timeline (the org is loaded and the admin key checked before). */
export function vendorTimelineApp(ctx: HubContext, live: Pick<InboxLive, 'event'>) {
  const timeline = new Timeline(ctx.db, live);
  return new Hono<{ Variables: { org: Org } }>().post('/', async (c) => {
    const org = c.get('org');
    const body = await parseBody(c, VendorEventBody);
    const patient = await getPatientByExternalId(ctx.db, org.id, c.req.param('patient') ?? '');
    const conversation = patient && (await findPatientConversation(ctx.db, org.id, patient.id));
    if (!conversation) throw httpError(404, 'not-found', patient ? 'this patient has no conversation yet' : 'no such patient');
    const fields = body.kind === 'call' ? { call: body.call } : { email: body.email };
    const stored = await timeline.record({
      orgId: org.id,
      conversationId: conversation.id,
      kind: body.kind,
      by: { kind: 'vendor', name: org.name },
      fields,
      sourceId: `vendor:${body.id}`,
      ...(body.at !== undefined && { at: body.at }),
    });
    if (!stored.duplicate) {
      await audit(ctx.db, { orgId: org.id, actor: { kind: 'admin-key', id: 'admin' }, action: `timeline.${body.kind}`, subject: { type: 'conversation', id: conversation.id } });
    }
    return c.json({ event: stored.event }, stored.duplicate ? 200 : 201);
  });
}
