// GET /v1/inbox/audit (`audit.view`): the org's audit, newest first, in keyset pages under
// filters (time range, actor, action), as JSON or as a CSV download. Reading the audit is
// itself audited: `audit.read` for a page, `audit.export` for a CSV, with the count.
import { Hono } from 'hono';
import { AUDIT_EXPORT_MAX, AuditViewQuery, type AuditPageResponse } from '../../protocol/inbox.js';
import { requirePermission } from '../auth/permissions.js';
import type { HubContext } from '../context.js';
import { audit, auditPage, type AuditFilter } from '../db/repositories/audit.js';
import { auditCsv, auditEntryView } from '../domain/audit-view.js';
import type { UserEnv } from '../http/auth.js';
import { parseQuery } from '../http/validate.js';

const DEFAULT_PAGE = 50;

/** A file name safe in a Content-Disposition header whatever the org's id holds. */
const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');

/** Mounted at /v1/inbox/audit, before the inbox's own /:id. */
export function auditViewerApp(ctx: HubContext) {
  return new Hono<UserEnv>().get('/', async (c) => {
    const identity = c.get('identity');
    requirePermission(identity, 'audit.view');
    const query = parseQuery(c, AuditViewQuery);
    const filter: AuditFilter = {
      ...(query.from !== undefined && { from: query.from }),
      ...(query.to !== undefined && { to: query.to }),
      ...(query.actor !== undefined && { actorId: query.actor }),
      ...(query.action !== undefined && { action: query.action }),
    };
    const before = query.before === undefined ? undefined : Number(query.before);
    const csv = query.format === 'csv';
    const page = await auditPage(ctx.db, identity.orgId, filter, csv ? (query.limit ?? AUDIT_EXPORT_MAX) : (query.limit ?? DEFAULT_PAGE), before);
    const entries = page.rows.map(auditEntryView);
    await audit(ctx.db, {
      orgId: identity.orgId,
      actor: { kind: 'staff', id: identity.id },
      action: csv ? 'audit.export' : 'audit.read',
      subject: { type: 'org', id: identity.orgId },
      detail: { count: entries.length },
    });
    const next = page.more ? String(entries.at(-1)!.id) : undefined;
    if (csv) {
      const date = new Date().toISOString().slice(0, 10);
      return c.body(auditCsv(entries), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="audit-${fileSafe(identity.orgId)}-${date}.csv"`,
        // More than one export holds: the next export starts here (as `before`).
        ...(next && { 'X-Audit-Next': next }),
      });
    }
    const body: AuditPageResponse = { entries, ...(next && { next }) };
    return c.json(body);
  });
}
