// The audit viewer reads an org's audit newest first by id (keyset pages): an index on
// (org_id, id) serves that without sorting the org's whole audit. Frozen: change the schema in
// a new migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_org_id').on('audit_log').columns(['org_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_org_id').execute();
}
