// Named permissions, and the roles that grant them. The hub checks one of these on every REST
// route and WebSocket action a staff member may or may not take; the inbox hides what the
// caller may not do. Patients hold none: what a patient may do is fixed by the protocol.

export const PERMISSIONS = [
  /** Open conversations, their messages, notes and timeline; receive them live. */
  'chats.read',
  /** Reply, write notes, claim, assign, close, reopen, mark urgent or unread, opt a patient out. */
  'chats.write',
  /** Start a conversation with a patient the hub has not seen, creating the patient. */
  'patients.create',
  /** Create, rename and delete teams (lists) and change who is in them. */
  'lists.manage',
  /** Export transcripts (text, print, FHIR) and email them. */
  'transcripts.export',
  /** Change the org's inbox settings: notifications, retention, legal hold, roles. */
  'settings.manage',
  /** Read and export the audit of who read or exported patient data. */
  'audit.view',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The roles every org has until its admin defines its own (token claim `role`). */
export const DEFAULT_ROLES: Readonly<Record<'staff' | 'admin', readonly Permission[]>> = {
  admin: PERMISSIONS,
  staff: ['chats.read', 'chats.write', 'patients.create', 'transcripts.export'],
};

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** A role's name, as the token's `role` claim carries it: lowercase letters, digits and dashes. */
export const ROLE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
