// The audit as the viewer shows it: rows as JSON entries, and as CSV (RFC 4180) that a
// spreadsheet opens without running anything a cell says (formula injection).
import type { AuditEntryView } from '../../protocol/inbox.js';
import type { AuditRow } from '../db/repositories/audit.js';

export function auditEntryView(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, ...(row.staff_name !== null && { name: row.staff_name }) },
    action: row.action,
    subject: { type: row.subject_type, id: row.subject_id },
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

export const AUDIT_CSV_COLUMNS = ['id', 'time', 'actor_kind', 'actor_id', 'actor_name', 'action', 'subject_type', 'subject_id', 'detail'] as const;

/**
 * One CSV field. A cell a spreadsheet would read as a formula (= + - @, and tab or carriage
 * return, which some strip first) gets a leading `'`, so it is shown as text; then RFC 4180:
 * a field with a quote, comma or line break is quoted, its quotes doubled.
 */
export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** The entries as CSV: a header row, then one row each, CRLF line ends (RFC 4180). */
export function auditCsv(entries: readonly AuditEntryView[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const fields = [String(e.id), new Date(e.at).toISOString(), e.actor.kind, e.actor.id, e.actor.name ?? '', e.action, e.subject.type, e.subject.id, e.detail === null ? '' : JSON.stringify(e.detail)];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
