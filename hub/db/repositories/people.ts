// Staff, patients, locations and lists (teams): the vendor's people, by its own external ids.
import { nanoid } from 'nanoid';
import type { HubDatabase } from '../database.js';
import type { List, Patient, Staff, StaffRole } from '../tables.js';

export async function upsertStaff(
  db: HubDatabase,
  orgId: string,
  input: { externalId: string; name: string; role: StaffRole; locationId?: string | null },
  now = Date.now(),
): Promise<Staff> {
  // A location left out keeps the one recorded (tokens carry none; the admin API sets it).
  const location = input.locationId === undefined ? {} : { location_id: input.locationId };
  await db
    .insertInto('staff')
    .values({ id: `stf_${nanoid(12)}`, org_id: orgId, external_id: input.externalId, name: input.name, role: input.role, created_at: now, ...location })
    .onConflict((oc) => oc.columns(['org_id', 'external_id']).doUpdateSet({ name: input.name, role: input.role, ...location }))
    .execute();
  return db
    .selectFrom('staff')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('external_id', '=', input.externalId)
    .executeTakeFirstOrThrow();
}

/** Whether the location is one of the org's. */
export async function isLocationOf(db: HubDatabase, orgId: string, locationId: string): Promise<boolean> {
  return (await db.selectFrom('locations').select('id').where('org_id', '=', orgId).where('id', '=', locationId).executeTakeFirst()) !== undefined;
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
    // A location left out keeps the one recorded.
    .onConflict((oc) => oc.columns(['org_id', 'external_id']).doUpdateSet({ name: input.name, ...(input.locationId !== undefined && { location_id: input.locationId }) }))
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

/** Marks the patient opted out, once: true when this call did it, false when they already were. */
export async function optOutPatient(db: HubDatabase, orgId: string, patientId: string, now = Date.now()): Promise<boolean> {
  const result = await db
    .updateTable('patients')
    .set({ opted_out_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', patientId)
    .where('opted_out_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
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

export function listLocations(db: HubDatabase, orgId: string): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom('locations').select(['id', 'name']).where('org_id', '=', orgId).orderBy('name').execute();
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

export async function renameList(db: HubDatabase, orgId: string, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('lists').set({ name }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a team: its members leave it and its conversations become Unassigned. */
export async function deleteList(db: HubDatabase, orgId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const list = await trx.selectFrom('lists').select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    if (!list) return false;
    await trx.updateTable('conversations').set({ assignee_list_id: null }).where('org_id', '=', orgId).where('assignee_list_id', '=', id).execute();
    await trx.deleteFrom('list_members').where('list_id', '=', id).execute();
    await trx.deleteFrom('lists').where('id', '=', id).execute();
    return true;
  });
}

export async function removeListMember(db: HubDatabase, orgId: string, listId: string, staffId: string): Promise<boolean> {
  const list = await getList(db, orgId, listId);
  if (!list) return false;
  await db.deleteFrom('list_members').where('list_id', '=', listId).where('staff_id', '=', staffId).execute();
  return true;
}

/** Whether a staff member is told about messages in Unassigned conversations. */
export async function setNotifyUnassigned(db: HubDatabase, orgId: string, staffId: string, on: boolean): Promise<boolean> {
  const result = await db.updateTable('staff').set({ notify_unassigned: on ? 1 : 0 }).where('org_id', '=', orgId).where('id', '=', staffId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Every team of the org with its members' ids. */
export async function listsWithMembers(db: HubDatabase, orgId: string): Promise<Array<{ id: string; name: string; members: string[] }>> {
  const [lists, members] = await Promise.all([
    listLists(db, orgId),
    db
      .selectFrom('list_members')
      .innerJoin('lists', 'lists.id', 'list_members.list_id')
      .select(['list_members.list_id', 'list_members.staff_id'])
      .where('lists.org_id', '=', orgId)
      .execute(),
  ]);
  return lists.map((l) => ({ id: l.id, name: l.name, members: members.filter((m) => m.list_id === l.id).map((m) => m.staff_id) }));
}
