// Roles per org: a role name (the token's `role` claim) and the permissions it grants
// (protocol/permissions.ts). An org without rows has the default roles `staff` and `admin`; a
// row named `staff` or `admin` replaces that default for the org. Also the name patients see for
// a staff member: their own default, and per conversation. Frozen: change the schema in a new
// migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('roles')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    /** JSON array of permission names. */
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('roles_pk', ['org_id', 'name'])
    .execute();
  await db.schema.alterTable('staff').addColumn('display_name', 'text').execute();
  await db.schema
    .createTable('display_names')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('display_names_pk', ['conversation_id', 'staff_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('display_names').execute();
  await db.schema.alterTable('staff').dropColumn('display_name').execute();
  await db.schema.dropTable('roles').execute();
}
