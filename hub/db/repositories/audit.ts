// The audit log: who read or changed which patient data, when. Ids and counts only, never bodies.
import type { HubDatabase } from '../database.js';
import type { ActorKind, AuditEntry } from '../tables.js';

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
