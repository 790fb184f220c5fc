// Who is connected on the other hubs, per org. This hub reports its own people (the first
// socket of a person opened, the last closed) and reads the others' as last seen. One hub:
// there are no others.
import type { Peer } from '../../protocol/index.js';

/** A patient as the care team's queue shows them. */
export interface PresentPatient {
  peer: Peer;
  visit?: string;
}

/** A person this hub has sockets for: a patient (by external id), or a staff member (by id). */
export type Present = { kind: 'patient'; patient: PresentPatient } | { kind: 'staff'; id: string };

export interface RemotePresence {
  /** Patients connected to other hubs, by external id. */
  patients: ReadonlyMap<string, PresentPatient>;
  /** Whether anyone from the care team is connected to another hub. */
  staff: boolean;
}

export interface PresenceStore {
  join(orgId: string, who: Present): void;
  leave(orgId: string, who: Present): void;
  /** This hub has sockets in the org now / no longer: start / stop following the others there. */
  watch(orgId: string): void;
  unwatch(orgId: string): void;
  remote(orgId: string): RemotePresence;
  /** Resolves once `remote(orgId)` has been read since `watch` (or could not be, soon): what a catch-up may rely on. */
  ready(orgId: string): Promise<void>;
  /** Called when `remote(orgId)` changed: someone joined or left another hub, or a hub died. */
  onChange(handler: (orgId: string) => void): void;
}

export const NOBODY: RemotePresence = { patients: new Map(), staff: false };

export class MemoryPresenceStore implements PresenceStore {
  join(): void {}
  leave(): void {}
  watch(): void {}
  unwatch(): void {}
  remote(): RemotePresence {
    return NOBODY;
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  onChange(): void {}
}
