// Patients from the inbox (mounted at /v1/inbox, before the inbox's own routes): finding one to
// start a conversation with (New chat), creating one the hub has not seen, the contact a patient
// shares with others (a family's phone) and its primary, and merging two records of one person.
// Audited with ids and counts only; searches never log what was searched for.
import { Hono } from 'hono';
import { nanoid } from 'nanoid';
import {
  CreatePatientBody,
  MergeBody,
  PatientSearchQuery,
  PrimaryBody,
  type ContactResponse,
  type PatientHit,
  type PatientSearchResponse,
} from '../../protocol/inbox.js';
import type { Identity } from '../auth/identity.js';
import type { HubContext } from '../context.js';
import { audit } from '../db/repositories/audit.js';
import { searchPatients } from '../db/repositories/patient-search.js';
import { getPatientByExternalId, isLocationOf, upsertPatient } from '../db/repositories/people.js';
import { contactOfPatient, setPatientPhone, setPrimary } from '../domain/contacts.js';
import { mergePatients } from '../domain/merge.js';
import type { UserEnv } from '../http/auth.js';
import { conversationOf, staffWith } from '../http/staff.js';
import { httpError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import type { InboxLive } from '../realtime/inbox-live.js';

export function patientsApp(ctx: HubContext, live: InboxLive) {
  const audited = (identity: Identity, action: string, subject: { type: string; id: string }, detail?: Record<string, string | number | boolean>) =>
    audit(ctx.db, { orgId: identity.orgId, actor: { kind: 'staff', id: identity.id }, action, subject, ...(detail && { detail }) });

  return new Hono<UserEnv>()
    .get('/patients', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const { q } = parseQuery(c, PatientSearchQuery);
      const patients = await searchPatients(ctx.db, identity.orgId, q);
      await audited(identity, 'patient.search', { type: 'org', id: identity.orgId }, { count: patients.length });
      const body: PatientSearchResponse = { patients };
      return c.json(body);
    })
    .post('/patients', async (c) => {
      const identity = staffWith(c, 'patients.create');
      const body = await parseBody(c, CreatePatientBody);
      if (body.locationId && !(await isLocationOf(ctx.db, identity.orgId, body.locationId))) throw httpError(404, 'not-found', 'no such location');
      const externalId = body.externalId ?? `pt-${nanoid(12)}`;
      if (await getPatientByExternalId(ctx.db, identity.orgId, externalId)) throw httpError(409, 'invalid', 'a patient with that id already exists: search for them instead');
      const patient = await upsertPatient(ctx.db, identity.orgId, { externalId, name: body.name, ...(body.locationId && { locationId: body.locationId }) });
      if (body.phone) await setPatientPhone(ctx.db, identity.orgId, patient.id, body.phone);
      await audited(identity, 'patient.create', { type: 'patient', id: patient.id });
      const hit: PatientHit = { id: patient.id, externalId, name: patient.name, phone: body.phone ?? null, locationId: patient.location_id, conversation: null };
      return c.json({ patient: hit }, 201);
    })
    .put('/contacts/:contact/primary', async (c) => {
      const identity = staffWith(c, 'chats.write');
      const { patient } = await parseBody(c, PrimaryBody);
      if (!(await setPrimary(ctx.db, identity.orgId, c.req.param('contact'), patient))) throw httpError(404, 'not-found', 'no such contact, or that patient is not on it');
      await audited(identity, 'contact.primary', { type: 'contact', id: c.req.param('contact') }, { patient });
      return c.json({ primary: patient });
    })
    .get('/:id/contact', async (c) => {
      const identity = staffWith(c, 'chats.read');
      const conversation = await conversationOf(ctx.db, c, identity);
      const contact = await contactOfPatient(ctx.db, identity.orgId, conversation.patient_id);
      // Other patients' names and phone: a staff read of patient data like any other.
      if (contact) await audited(identity, 'contact.read', { type: 'contact', id: contact.id }, { patients: contact.patients.length });
      const body: ContactResponse = { contact: contact ?? null, patient: conversation.patient_id };
      return c.json(body);
    })
    .post('/:id/merge', async (c) => {
      const identity = staffWith(c, 'patients.create');
      const conversation = await conversationOf(ctx.db, c, identity);
      const { duplicate } = await parseBody(c, MergeBody);
      const outcome = await mergePatients(ctx.db, live, identity, duplicate, conversation.patient_id);
      if (!outcome.ok && outcome.reason === 'same') throw httpError(409, 'not-allowed', 'a record cannot be merged into itself');
      if (!outcome.ok) throw httpError(404, 'not-found', 'no such patient');
      return c.json({ merged: duplicate, into: conversation.patient_id, conversations: outcome.conversations });
    });
}

