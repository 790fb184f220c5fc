// The audit log: who read or changed which patient data, when. Ids and counts only, never bodies.
import type { HubDatabase } from '../database.js';
import type { ActorKind, AuditEntry } from '../tables.js';

export interface AuditFilter {
  /** At or after (epoch ms). */
  from?: number;
  /** Before (epoch ms, exclusive). */
  to?: number;
  actorId?: string;
  /** An exact action, or a family: `retention.*` matches `retention.set`, `retention.purge`… */
  action?: string;
}

/** An audit row with the name of the staff member who acted, when one did. */
export interface AuditRow extends AuditEntry {
  staff_name: string | null;
}

export interface AuditInput {
  orgId: string;
  actor: { kind: ActorKind; id: string };
  action: string;
  subject: { type: string; id: string };
  detail?: Record<string, string | number | boolean>;
}

export async function audit(db: HubDatabase, entry: AuditInput, now = Date.now()): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: entry.orgId,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      action: entry.action,
      subject_type: entry.subject.type,
      subject_id: entry.subject.id,
      at: now,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    })
    .execute();
}

export function auditTrail(db: HubDatabase, orgId: string, limit = 200): Promise<AuditEntry[]> {
  return db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId).orderBy('id', 'desc').limit(limit).execute();
}

/**
 * The org's audit under the filters, newest first (by id: ids grow with time and break ties),
 * `limit` rows from below `beforeId`. Also fetches one more row to tell whether an older page exists.
 */
export async function auditPage(db: HubDatabase, orgId: string, filter: AuditFilter, limit: number, beforeId?: number): Promise<{ rows: AuditRow[]; more: boolean }> {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('staff', (join) => join.onRef('staff.id', '=', 'audit_log.actor_id').onRef('staff.org_id', '=', 'audit_log.org_id').on('audit_log.actor_kind', '=', 'staff'))
    .selectAll('audit_log')
    .select('staff.name as staff_name')
    .where('audit_log.org_id', '=', orgId);
  if (beforeId !== undefined) q = q.where('audit_log.id', '<', beforeId);
  if (filter.from !== undefined) q = q.where('audit_log.at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('audit_log.at', '<', filter.to);
  if (filter.actorId !== undefined) q = q.where('audit_log.actor_id', '=', filter.actorId);
  if (filter.action !== undefined) {
    const family = filter.action.endsWith('.*') ? filter.action.slice(0, -1) : undefined;
    // Actions are [a-z0-9.-] only (the query schema says so): no LIKE wildcard can be in `family`.
    q = family ? q.where('audit_log.action', 'like', `${family}%`) : q.where('audit_log.action', '=', filter.action);
  }
  const rows = await q.orderBy('audit_log.id', 'desc').limit(limit + 1).execute();
  return { rows: rows.slice(0, limit).map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) })), more: rows.length > limit };
}
