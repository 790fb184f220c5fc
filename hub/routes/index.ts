// The hub's HTTP API: /admin (admin key) and /v1 (vendor-signed JWT), with one error handler.
// createHub mounts it with app.route('/', createApi(ctx)); errors raised in these routes are
// answered by this app's onError even when mounted.
import { Hono } from 'hono';
import type { HubContext } from '../context.js';
import { requireIdentity, type UserEnv } from '../http/auth.js';
import { orgCors } from '../http/cors.js';
import { errorHandler, notFound } from '../http/errors.js';
import { noStore } from '../http/no-store.js';
import { limitBody } from '../http/validate.js';
import { createAdminApi } from './admin.js';
import { attachmentsApp } from './attachments.js';
import { conversationsApp } from './conversations.js';
import { InboxLive } from '../realtime/inbox-live.js';
import { auditViewerApp } from './audit.js';
import { inboxApp } from './inbox.js';
import { inboxSettingsApp } from './inbox-settings.js';
import { legalHoldApp } from './legal-hold.js';
import { settingsRolesApp } from './roles.js';
import { displayNamesApp } from './display-names.js';
import { patientsApp } from './patients.js';
import { meApp } from './me.js';
import { timelineApp } from './timeline.js';
import { transcriptsApp } from './transcripts.js';

/** `live` carries inbox changes to the sockets (the gateway's); without it (tests of REST alone) they reach no one. */
export function createUserApi(ctx: HubContext, live: InboxLive = new InboxLive(ctx.db, () => undefined)): Hono<UserEnv> {
  const v1 = new Hono<UserEnv>();
  // CORS first: a preflight is answered before authentication, and error answers carry the headers too.
  v1.use('*', orgCors(ctx), noStore(), limitBody(), requireIdentity(ctx));
  v1.route('/me', meApp(ctx));
  v1.route('/conversations', conversationsApp(ctx));
  v1.route('/attachments', attachmentsApp(ctx));
  // Before /inbox, whose /:id would otherwise take "settings" for a conversation id.
  v1.route('/inbox/settings/roles', settingsRolesApp(ctx, live));
  v1.route('/inbox/settings', inboxSettingsApp(ctx, live));
  v1.route('/inbox/audit', auditViewerApp(ctx));
  v1.route('/inbox', timelineApp(ctx));
  v1.route('/inbox', legalHoldApp(ctx, live));
  v1.route('/inbox', displayNamesApp(ctx));
  v1.route('/inbox', patientsApp(ctx, live));
  v1.route('/inbox', transcriptsApp(ctx, live));
  v1.route('/inbox', inboxApp(ctx, live));
  return v1;
}

export function createApi(ctx: HubContext, live: InboxLive = new InboxLive(ctx.db, () => undefined)): Hono {
  const api = new Hono();
  api.route('/admin', createAdminApi(ctx, live));
  api.route('/v1', createUserApi(ctx, live));
  api.onError(errorHandler(ctx));
  api.notFound(notFound);
  return api;
}
