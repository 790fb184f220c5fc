// Staff, patients, locations and lists (teams): the vendor's people, by its own external ids.
import { nanoid } from 'nanoid';
import type { HubDatabase } from '../database.js';
import type { List, Patient, Staff, StaffRole } from '../tables.js';

export async function upsertStaff(
  db: HubDatabase,
  orgId: string,
  input: { externalId: string; name: string; role: StaffRole },
  now = Date.now(),
): Promise<Staff> {
  await db
    .insertInto('staff')
    .values({ id: `stf_${nanoid(12)}`, org_id: orgId, external_id: input.externalId, name: input.name, role: input.role, created_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'external_id']).doUpdateSet({ name: input.name, role: input.role }))
    .execute();
  return db
    .selectFrom('staff')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('external_id', '=', input.externalId)
    .executeTakeFirstOrThrow();
}

export async function upsertPatient(
  db: HubDatabase,
  orgId: string,
  input: { externalId: string; name: string; locationId?: string | null },
  now = Date.now(),
): Promise<Patient> {
  await db
    .insertInto('patients')
    .values({
      id: `pat_${nanoid(12)}`,
      org_id: orgId,
      external_id: input.externalId,
      name: input.name,
      location_id: input.locationId ?? null,
      opted_out_at: null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['org_id', 'external_id']).doUpdateSet({ name: input.name }))
    .execute();
  return db
    .selectFrom('patients')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('external_id', '=', input.externalId)
    .executeTakeFirstOrThrow();
}

export function getPatientByExternalId(db: HubDatabase, orgId: string, externalId: string): Promise<Patient | undefined> {
  return db.selectFrom('patients').selectAll().where('org_id', '=', orgId).where('external_id', '=', externalId).executeTakeFirst();
}

export function getStaff(db: HubDatabase, orgId: string, id: string): Promise<Staff | undefined> {
  return db.selectFrom('staff').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listStaff(db: HubDatabase, orgId: string): Promise<Staff[]> {
  return db.selectFrom('staff').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export function listPatients(db: HubDatabase, orgId: string): Promise<Patient[]> {
  return db.selectFrom('patients').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

export async function createLocation(db: HubDatabase, orgId: string, name: string): Promise<{ id: string; org_id: string; name: string }> {
  const row = { id: `loc_${nanoid(12)}`, org_id: orgId, name };
  await db.insertInto('locations').values(row).execute();
  return row;
}

export async function createList(db: HubDatabase, orgId: string, name: string): Promise<List> {
  const row = { id: `lst_${nanoid(12)}`, org_id: orgId, name };
  await db.insertInto('lists').values(row).execute();
  return row;
}

export function listLists(db: HubDatabase, orgId: string): Promise<List[]> {
  return db.selectFrom('lists').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

/** Adds a member; both the list and the staff member must belong to the org. */
export async function addListMember(db: HubDatabase, orgId: string, listId: string, staffId: string): Promise<boolean> {
  const list = await db.selectFrom('lists').select('id').where('org_id', '=', orgId).where('id', '=', listId).executeTakeFirst();
  const staff = await getStaff(db, orgId, staffId);
  if (!list || !staff) return false;
  await db.insertInto('list_members').values({ list_id: listId, staff_id: staffId }).onConflict((oc) => oc.doNothing()).execute();
  return true;
}

export async function listMembers(db: HubDatabase, orgId: string, listId: string): Promise<Staff[]> {
  return db
    .selectFrom('list_members')
    .innerJoin('staff', 'staff.id', 'list_members.staff_id')
    .innerJoin('lists', 'lists.id', 'list_members.list_id')
    .selectAll('staff')
    .where('lists.org_id', '=', orgId)
    .where('list_members.list_id', '=', listId)
    .orderBy('staff.name')
    .execute();
}

export function getList(db: HubDatabase, orgId: string, id: string): Promise<List | undefined> {
  return db.selectFrom('lists').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}
