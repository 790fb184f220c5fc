// What this hub's sockets are told about presence: the org's patients here (for the care
// team's queue) and whether the care team is here (for patients), made of this hub's own
// sockets and the others' as the presence store last saw them. Every change, local or remote,
// goes through `update`, which tells local sockets only what differs from what they were told.
import type { OutgoingFrame, Peer } from '../../protocol/index.js';
import { peerOf, type Identity } from '../auth/identity.js';
import { liveItem } from './broker.js';
import type { PresenceStore, PresentPatient } from './presence-store.js';
import type { Registry } from './registry.js';
import type { Session } from './session.js';

/** The care team as a patient sees it: one peer, present while anyone from the org is connected. */
export const CARE_TEAM: Peer = { id: 'care-team', name: 'Care team', role: 'provider' };

interface Shown {
  patients: ReadonlyMap<string, PresentPatient>;
  staff: boolean;
}

export class PresenceView {
  /** Per org, what the local sockets were last told. */
  private readonly shown = new Map<string, Shown>();

  constructor(
    private readonly registry: Registry,
    private readonly store: PresenceStore,
  ) {
    store.onChange((orgId) => this.update(orgId));
  }

  /** The org's patients connected to any hub, by external id. */
  patients(orgId: string): ReadonlyMap<string, PresentPatient> {
    return this.current(orgId).patients;
  }

  careTeamHere(orgId: string): boolean {
    return this.registry.hasStaff(orgId) || this.store.remote(orgId).staff;
  }

  /** Recomputes the org's presence and tells the local sockets what changed. */
  update(orgId: string): void {
    if (!this.registry.hasOrg(orgId)) {
      this.shown.delete(orgId);
      return;
    }
    const before = this.shown.get(orgId) ?? { patients: new Map(), staff: false };
    const now = this.current(orgId);
    this.shown.set(orgId, now);
    const staff = [...this.registry.staffOf(orgId)];
    if (staff.length) {
      for (const [id, patient] of now.patients) {
        if (!before.patients.has(id)) this.toAll(staff, { type: 'presence', from: patient.peer, state: 'joined', ...visit(patient) });
      }
      for (const [id, patient] of before.patients) {
        if (!now.patients.has(id)) this.toAll(staff, { type: 'presence', from: patient.peer, state: 'left', ...visit(patient) });
      }
    }
    if (now.staff !== before.staff) {
      this.toAll([...this.registry.allPatientSessions(orgId)], { type: 'presence', from: CARE_TEAM, state: now.staff ? 'here' : 'left' });
    }
  }

  private current(orgId: string): Shown {
    const remote = this.store.remote(orgId);
    const patients = new Map(remote.patients);
    for (const session of this.registry.patientsOf(orgId)) patients.set(session.identity!.externalId, presentPatient(session.identity!));
    return { patients, staff: this.registry.hasStaff(orgId) || remote.staff };
  }

  private toAll(sessions: readonly Session[], frame: OutgoingFrame): void {
    const item = liveItem([frame]);
    for (const s of sessions) s.deliver(item);
  }
}

export function presentPatient(identity: Identity): PresentPatient {
  return { peer: peerOf(identity), ...(identity.visit ? { visit: identity.visit } : {}) };
}

function visit(patient: PresentPatient): { visit?: string } {
  return patient.visit ? { visit: patient.visit } : {};
}
