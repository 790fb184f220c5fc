// Retention: how long an org keeps its closed conversations (null = forever, the default), and a
// legal hold that keeps one conversation whatever the retention says. Frozen: change the schema
// in a new migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orgs').addColumn('retention_days', 'integer').execute();
  await db.schema
    .alterTable('conversations')
    .addColumn('legal_hold', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('legal_hold').execute();
  await db.schema.alterTable('orgs').dropColumn('retention_days').execute();
}
