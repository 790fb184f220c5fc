// Finding a patient to start a conversation with: by name (any part, in any case; on SQLite
// without diacritics too), phone (its digits, on the shared contact) or the vendor's external id
// (its start). Merged records are never found.
import { sql } from 'kysely';
import type { PatientHit } from '../../../protocol/inbox.js';
import type { HubDatabase } from '../database.js';
import { dialectOf } from '../dialect.js';
import { foldText } from '../sqlite.js';


const likeEscape = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export async function searchPatients(db: HubDatabase, orgId: string, query: string, limit = 20): Promise<PatientHit[]> {
  const sqlite = dialectOf(db) === 'sqlite';
  // SQLite compares names folded (case and diacritics, the hub's clinic_fold); PostgreSQL's
  // lower() already knows every alphabet's case.
  const q = sqlite ? foldText(query.trim()) : query.trim().toLowerCase();
  if (!q) return [];
  const name = sqlite ? sql`clinic_fold(patients.name)` : sql`lower(patients.name)`;
  const digits = q.replace(/\D/g, '');
  const text = `%${likeEscape(q)}%`;
  const rows = await db
    .selectFrom('patients')
    .leftJoin('contacts', 'contacts.id', 'patients.contact_id')
    .leftJoin('conversations', (join) => join.onRef('conversations.patient_id', '=', 'patients.id').on('conversations.channel', '=', 'chat'))
    .select(['patients.id', 'patients.external_id', 'patients.name', 'patients.phone', 'patients.location_id', 'conversations.id as conversation_id', 'conversations.status'])
    .where('patients.org_id', '=', orgId)
    .where('patients.merged_into', 'is', null)
    .where((eb) =>
      eb.or([
        eb(name, 'like', sql`${text} escape '\\'`),
        eb(sql`lower(patients.external_id)`, 'like', sql`${`${likeEscape(q)}%`} escape '\\'`),
        ...(digits.length >= 3 ? [eb('contacts.phone', 'like', `%${digits}%`)] : []),
      ]),
    )
    .orderBy('patients.name')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    phone: r.phone,
    locationId: r.location_id,
    conversation: r.conversation_id ? { id: r.conversation_id, status: r.status as 'open' | 'closed' } : null,
  }));
}
