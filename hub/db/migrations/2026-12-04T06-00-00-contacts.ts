// Contacts and locations of people: a staff member's location (the inbox's My location), a
// patient's phone, the contact several patients can share (a family's phone number, one of
// them primary), and the record a merged patient now lives on. Frozen: change the schema in a
// new migration.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff').addColumn('location_id', 'text', (c) => c.references('locations.id').onDelete('set null')).execute();
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    /** Digits only, with a leading + when it had one: how two spellings of one number match. */
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('primary_patient_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contacts_org_phone', ['org_id', 'phone'])
    .execute();
  await db.schema.alterTable('patients').addColumn('phone', 'text').execute();
  await db.schema.alterTable('patients').addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('set null')).execute();
  await db.schema.alterTable('patients').addColumn('merged_into', 'text').execute();
  await db.schema.createIndex('patients_contact').on('patients').column('contact_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('patients_contact').execute();
  await db.schema.alterTable('patients').dropColumn('merged_into').execute();
  await db.schema.alterTable('patients').dropColumn('contact_id').execute();
  await db.schema.alterTable('patients').dropColumn('phone').execute();
  await db.schema.dropTable('contacts').execute();
  await db.schema.alterTable('staff').dropColumn('location_id').execute();
}
