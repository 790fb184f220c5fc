// Who is connected, per org: the sockets of each patient and of the care team. In memory
// only; it is what presence is made of, and where live frames are fanned out to.
import type { Session } from './session.js';

export class Registry {
  private readonly staff = new Map<string, Set<Session>>();
  private readonly patients = new Map<string, Map<string, Set<Session>>>();

  /** Registers an authenticated session; says whether it is that person's (or the care team's) first. */
  add(session: Session): { firstOfPerson: boolean; firstStaff: boolean } {
    const id = session.identity!;
    if (id.kind === 'staff') {
      const set = getOrSet(this.staff, id.orgId, () => new Set<Session>());
      const firstStaff = set.size === 0;
      const firstOfPerson = ![...set].some((s) => s.identity!.id === id.id);
      set.add(session);
      return { firstOfPerson, firstStaff };
    }
    const org = getOrSet(this.patients, id.orgId, () => new Map<string, Set<Session>>());
    const set = getOrSet(org, id.externalId, () => new Set<Session>());
    set.add(session);
    return { firstOfPerson: set.size === 1, firstStaff: false };
  }

  remove(session: Session): { lastOfPerson: boolean; lastStaff: boolean } {
    const id = session.identity;
    if (!id) return { lastOfPerson: false, lastStaff: false };
    if (id.kind === 'staff') {
      const set = this.staff.get(id.orgId);
      if (!set?.delete(session)) return { lastOfPerson: false, lastStaff: false };
      const lastOfPerson = ![...set].some((s) => s.identity!.id === id.id);
      if (set.size === 0) this.staff.delete(id.orgId);
      return { lastOfPerson, lastStaff: set.size === 0 };
    }
    const org = this.patients.get(id.orgId);
    const set = org?.get(id.externalId);
    if (!set?.delete(session)) return { lastOfPerson: false, lastStaff: false };
    if (set.size === 0) org!.delete(id.externalId);
    if (org!.size === 0) this.patients.delete(id.orgId);
    return { lastOfPerson: set.size === 0, lastStaff: false };
  }

  staffOf(orgId: string): Iterable<Session> {
    return this.staff.get(orgId) ?? [];
  }

  hasStaff(orgId: string): boolean {
    return (this.staff.get(orgId)?.size ?? 0) > 0;
  }

  patientSessions(orgId: string, externalId: string): Iterable<Session> {
    return this.patients.get(orgId)?.get(externalId) ?? [];
  }

  /** Every connected patient of the org: one session each (for their name and visit). */
  patientsOf(orgId: string): Session[] {
    return [...(this.patients.get(orgId)?.values() ?? [])].map((set) => set.values().next().value as Session);
  }

  allPatientSessions(orgId: string): Iterable<Session> {
    return [...(this.patients.get(orgId)?.values() ?? [])].flatMap((set) => [...set]);
  }
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
