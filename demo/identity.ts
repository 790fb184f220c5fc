// Who this tab is. The demo has no backend to issue identity, so it is made up in the page
// from the URL (a real vendor passes identity signed by its own backend). Nothing is stored:
// a tab without ?id= gets a fresh random patient, so two tabs are two patients.
import * as v from 'valibot';
import { IdSchema, LIMITS } from '../protocol/index.js';

export interface DemoIdentity {
  readonly id: string;
  readonly name: string;
}

/** The one clinician of the fake clinic. */
export const CLINICIAN: DemoIdentity = { id: 'dr-lee', name: 'Dr. Lee' };

/** The demo clinic's staff (seeded into the hub by demo/seed-clinic.ts): the inbox page opens as one of them. */
export const DEMO_STAFF_PAGES: ReadonlyArray<DemoIdentity & { role: 'staff' | 'admin' | 'trainee' }> = [
  { id: 'dr-lee', name: 'Dr. Lee', role: 'staff' },
  { id: 'nurse-kim', name: 'Nurse Kim', role: 'staff' },
  { id: 'sam-desk', name: 'Sam (front desk)', role: 'admin' },
  // The org's own role `trainee` (set by demo/dev-hub.ts) reads and may not write.
  { id: 'alex-trainee', name: 'Alex (trainee)', role: 'trainee' },
];

/** A valid id from the URL, or undefined (a hand-edited URL must not break the page). */
export function idParam(params: URLSearchParams, key: string): string | undefined {
  const value = params.get(key);
  return value !== null && v.is(IdSchema, value) ? value : undefined;
}

/** The patient this tab plays, from `?id=&name=`, or a random one. */
export function patientFromUrl(params: URLSearchParams): DemoIdentity {
  const id = idParam(params, 'id') ?? `patient-${randomSuffix()}`;
  const name = params.get('name')?.trim().slice(0, LIMITS.nameChars) || `Guest ${id.slice(-4).toUpperCase()}`;
  return { id, name };
}

/**
 * Writes the identity into the address bar, so a reload comes back as the same person (the
 * URL is the demo's only memory; nothing goes into browser storage).
 */
export function keepInUrl(params: Record<string, string>): void {
  history.replaceState(null, '', `${location.pathname}?${new URLSearchParams(params)}`);
}

function randomSuffix(): string {
  return crypto.randomUUID().slice(0, 8);
}
