// Shared contacts: patients whose phone numbers are the same number share one contact (a
// family's phone), and one of them is its primary (the one a call or text is for first).
// Numbers match on their digits, so "+1 (555) 010-2000" and "+1 555 010 2000" are one contact.
import { nanoid } from 'nanoid';
import type { HubDatabase } from '../db/database.js';

/** Digits, with the leading + kept: two spellings of one number give one key. */
export function phoneKey(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return phone.trim().startsWith('+') ? `+${digits}` : digits;
}

/**
 * Records a patient's phone and the contact it makes them part of; null takes them out of it.
 * A contact's first patient is its primary; when the primary leaves, the earliest other one is.
 */
export async function setPatientPhone(db: HubDatabase, orgId: string, patientId: string, phone: string | null, now = Date.now()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('patients').select(['contact_id']).where('org_id', '=', orgId).where('id', '=', patientId).executeTakeFirst();
    if (!before) return;
    let contactId: string | null = null;
    if (phone !== null) {
      const key = phoneKey(phone);
      await trx
        .insertInto('contacts')
        .values({ id: `con_${nanoid(12)}`, org_id: orgId, phone: key, primary_patient_id: patientId, created_at: now })
        .onConflict((oc) => oc.columns(['org_id', 'phone']).doNothing())
        .execute();
      contactId = (await trx.selectFrom('contacts').select('id').where('org_id', '=', orgId).where('phone', '=', key).executeTakeFirstOrThrow()).id;
    }
    await trx.updateTable('patients').set({ phone, contact_id: contactId }).where('id', '=', patientId).execute();
    if (before.contact_id && before.contact_id !== contactId) await choosePrimary(trx, before.contact_id);
    if (contactId) await choosePrimary(trx, contactId);
  });
}

/** Keeps the contact's primary one of its patients (the earliest, if the recorded one left). */
async function choosePrimary(db: HubDatabase, contactId: string): Promise<void> {
  const contact = await db.selectFrom('contacts').select('primary_patient_id').where('id', '=', contactId).executeTakeFirst();
  const members = await db.selectFrom('patients').select('id').where('contact_id', '=', contactId).where('merged_into', 'is', null).orderBy('created_at').orderBy('id').execute();
  const primary = members.some((m) => m.id === contact?.primary_patient_id) ? contact!.primary_patient_id : members[0]?.id ?? null;
  if (primary !== contact?.primary_patient_id) await db.updateTable('contacts').set({ primary_patient_id: primary }).where('id', '=', contactId).execute();
}

export interface ContactView {
  id: string;
  phone: string;
  primary: string | null;
  /** Every patient on the contact, this one included (internal ids, external ids, names). */
  patients: Array<{ id: string; externalId: string; name: string }>;
}

/** The contact a patient shares, or undefined when they have none. */
export async function contactOfPatient(db: HubDatabase, orgId: string, patientId: string): Promise<ContactView | undefined> {
  const row = await db
    .selectFrom('patients')
    .innerJoin('contacts', 'contacts.id', 'patients.contact_id')
    .select(['contacts.id', 'contacts.phone', 'contacts.primary_patient_id'])
    .where('patients.org_id', '=', orgId)
    .where('patients.id', '=', patientId)
    .executeTakeFirst();
  if (!row) return undefined;
  const patients = await db
    .selectFrom('patients')
    .select(['id', 'external_id', 'name'])
    .where('org_id', '=', orgId)
    .where('contact_id', '=', row.id)
    .where('merged_into', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { id: row.id, phone: row.phone, primary: row.primary_patient_id, patients: patients.map((p) => ({ id: p.id, externalId: p.external_id, name: p.name })) };
}

/** Makes one of the contact's patients its primary; false when the patient is not on it. */
export async function setPrimary(db: HubDatabase, orgId: string, contactId: string, patientId: string): Promise<boolean> {
  const member = await db
    .selectFrom('patients')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', patientId)
    .where('contact_id', '=', contactId)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  if (!member) return false;
  await db.updateTable('contacts').set({ primary_patient_id: patientId }).where('org_id', '=', orgId).where('id', '=', contactId).execute();
  return true;
}
