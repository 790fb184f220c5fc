// Who is connected, per org: the sockets of each patient and of the care team. In memory
// only; it is what presence is made of, and where live frames are fanned out to.
import type { Envelope } from './broker.js';
import type { Session } from './session.js';

export class Registry {
  private readonly staff = new Map<string, Set<Session>>();
  private readonly patients = new Map<string, Map<string, Set<Session>>>();

  /** Registers an authenticated session; says whether it is that person's (or the care team's, or the org's) first. */
  add(session: Session): { firstOfPerson: boolean; firstStaff: boolean; firstOfOrg: boolean } {
    const id = session.identity!;
    const firstOfOrg = !this.hasOrg(id.orgId);
    if (id.kind === 'staff') {
      const set = getOrSet(this.staff, id.orgId, () => new Set<Session>());
      const firstStaff = set.size === 0;
      const firstOfPerson = ![...set].some((s) => s.identity!.id === id.id);
      set.add(session);
      return { firstOfPerson, firstStaff, firstOfOrg };
    }
    const org = getOrSet(this.patients, id.orgId, () => new Map<string, Set<Session>>());
    const set = getOrSet(org, id.externalId, () => new Set<Session>());
    set.add(session);
    return { firstOfPerson: set.size === 1, firstStaff: false, firstOfOrg };
  }

  remove(session: Session): { lastOfPerson: boolean; lastStaff: boolean; lastOfOrg: boolean } {
    const id = session.identity;
    const none = { lastOfPerson: false, lastStaff: false, lastOfOrg: false };
    if (!id) return none;
    if (id.kind === 'staff') {
      const set = this.staff.get(id.orgId);
      if (!set?.delete(session)) return none;
      const lastOfPerson = ![...set].some((s) => s.identity!.id === id.id);
      if (set.size === 0) this.staff.delete(id.orgId);
      return { lastOfPerson, lastStaff: set.size === 0, lastOfOrg: !this.hasOrg(id.orgId) };
    }
    const org = this.patients.get(id.orgId);
    const set = org?.get(id.externalId);
    if (!set?.delete(session)) return none;
    if (set.size === 0) org!.delete(id.externalId);
    if (org!.size === 0) this.patients.delete(id.orgId);
    return { lastOfPerson: set.size === 0, lastStaff: false, lastOfOrg: !this.hasOrg(id.orgId) };
  }

  hasOrg(orgId: string): boolean {
    return this.staff.has(orgId) || this.patients.has(orgId);
  }

  /** The orgs this hub has sockets in. */
  orgs(): Set<string> {
    return new Set([...this.staff.keys(), ...this.patients.keys()]);
  }

  /** Every session of the org, staff and patients. */
  sessionsOf(orgId: string): Session[] {
    return [...this.staffOf(orgId), ...this.allPatientSessions(orgId)];
  }

  /** The local sockets an envelope is for. */
  targets(envelope: Envelope): Session[] {
    const { org, route } = envelope;
    if (route.to === 'staff') return [...this.staffOf(org)];
    if (route.to === 'patient') return [...this.patientSessions(org, route.thread)];
    if (route.to === 'staff-member') return [...this.staffOf(org)].filter((s) => s.identity!.id === route.staff);
    return [...this.staffOf(org), ...this.patientSessions(org, route.thread)].filter((s) => s.id !== route.except);
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
