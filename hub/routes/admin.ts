// The admin API (/admin, hub-wide admin key): orgs and, inside each org, its signing keys,
// allowed origins, staff, patients, lists with members, locations, retention (with a purge on
// demand) and the audit trail.
// Every write is audited as the admin key, in the same transaction as the write.
import { createPublicKey } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { importSPKI } from 'jose';
import {
  AddKeyBody,
  AddMemberBody,
  AddOriginBody,
  AuditQuery,
  CreateListBody,
  CreateLocationBody,
  CreateOrgBody,
  UpsertPatientBody,
  UpsertStaffBody,
  type AddKeyInput,
} from '../../protocol/rest.js';
import { RetentionBody } from '../../protocol/inbox.js';
import type { HubContext } from '../context.js';
import type { HubDatabase } from '../db/database.js';
import { audit, auditTrail, type AuditInput } from '../db/repositories/audit.js';
import { addKey, addOrigin, createOrg, getOrg, listOrgs, listOrigins, revokeKey } from '../db/repositories/orgs.js';
import {
  addListMember,
  createList,
  createLocation,
  isLocationOf,
  getList,
  listLists,
  listMembers,
  listPatients,
  listStaff,
  upsertPatient,
  upsertStaff,
} from '../db/repositories/people.js';
import { setRetention } from '../db/repositories/retention.js';
import type { AuditEntry, Org, Patient, Staff } from '../db/tables.js';
import { purgeOrgNow } from '../domain/retention.js';
import { requireAdminKey } from '../http/auth.js';
import type { InboxLive } from '../realtime/inbox-live.js';
import { vendorTimelineApp } from './timeline.js';
import { httpError, unlessDuplicate } from '../http/errors.js';
import { noStore } from '../http/no-store.js';
import { vendorRolesApp } from './roles.js';
import { permissionsOfRole } from '../auth/permissions.js';
import { setPatientPhone } from '../domain/contacts.js';
import { limitBody, parseBody, parseQuery } from '../http/validate.js';

interface AdminEnv {
  Variables: { org: Org };
}

const ADMIN_ACTOR = { kind: 'admin-key', id: 'admin' } as const;

function auditAdmin(db: HubDatabase, orgId: string, action: string, subject: AuditInput['subject'], detail?: AuditInput['detail']) {
  return audit(db, { orgId, actor: ADMIN_ACTOR, action, subject, ...(detail && { detail }) });
}

const orgJson = (org: Org) => ({ id: org.id, name: org.name, createdAt: org.created_at });
const staffJson = (s: Staff) => ({ id: s.id, externalId: s.external_id, name: s.name, role: s.role, locationId: s.location_id, createdAt: s.created_at });
const patientJson = (p: Patient) => ({ id: p.id, externalId: p.external_id, name: p.name, locationId: p.location_id, phone: p.phone, createdAt: p.created_at });
const auditJson = (e: AuditEntry) => ({
  id: e.id,
  actor: { kind: e.actor_kind, id: e.actor_id },
  action: e.action,
  subject: { type: e.subject_type, id: e.subject_id },
  at: e.at,
  detail: e.detail === null ? null : (JSON.parse(e.detail) as unknown),
});

/** Resolves `:org` for every org-scoped route; an unknown org is 404 before any handler runs. */
function loadOrg(ctx: HubContext): MiddlewareHandler<AdminEnv> {
  return async function loadOrg(c, next) {
    const org = await getOrg(ctx.db, c.req.param('org') ?? '');
    if (!org) throw httpError(404, 'not-found', 'no such org');
    c.set('org', org);
    await next();
  };
}

function orgsApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      const body = await parseBody(c, CreateOrgBody);
      const org = await unlessDuplicate('an org with this id', () =>
        ctx.db.transaction().execute(async (trx) => {
          const created = await createOrg(trx, body);
          await auditAdmin(trx, created.id, 'org.create', { type: 'org', id: created.id });
          return created;
        }),
      );
      return c.json(orgJson(org), 201);
    })
    .get('/', async (c) => c.json({ orgs: (await listOrgs(ctx.db)).map(orgJson) }));
}

/** The key must be usable for its algorithm before we store it, or every token signed with it would fail later. */
async function checkPublicKey(input: AddKeyInput): Promise<void> {
  if (input.alg === 'HS256') return;
  try {
    await importSPKI(input.publicKey, input.alg);
  } catch {
    throw httpError(400, 'invalid', `publicKey: not an SPKI PEM public key for ${input.alg}`);
  }
  const bits = createPublicKey(input.publicKey).asymmetricKeyDetails?.modulusLength;
  if (input.alg === 'RS256' && (bits === undefined || bits < 2048)) throw httpError(400, 'invalid', 'publicKey: RS256 keys need at least 2048 bits');
}

function keysApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      const org = c.get('org');
      const body = await parseBody(c, AddKeyBody);
      await checkPublicKey(body);
      const key = await unlessDuplicate('a key with this kid', () =>
        ctx.db.transaction().execute(async (trx) => {
          const added = await addKey(trx, org.id, {
            ...(body.kid !== undefined && { id: body.kid }),
            alg: body.alg,
            issuer: body.issuer,
            audience: body.audience,
            ...(body.alg === 'HS256' ? { secret: body.secret } : { publicKey: body.publicKey }),
          });
          await auditAdmin(trx, org.id, 'key.add', { type: 'key', id: added.id }, { alg: added.alg });
          return added;
        }),
      );
      // Never the secret: it was shown once, by whoever sent it.
      return c.json({ kid: key.id, org: key.org_id, alg: key.alg, issuer: key.issuer, audience: key.audience, createdAt: key.created_at }, 201);
    })
    .delete('/:kid', async (c) => {
      const org = c.get('org');
      const kid = c.req.param('kid');
      const revoked = await ctx.db.transaction().execute(async (trx) => {
        if (!(await revokeKey(trx, org.id, kid))) return false;
        await auditAdmin(trx, org.id, 'key.revoke', { type: 'key', id: kid });
        return true;
      });
      if (!revoked) throw httpError(404, 'not-found', 'no such key');
      return c.json({ kid, revoked: true });
    });
}

function originsApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      const org = c.get('org');
      const { origin } = await parseBody(c, AddOriginBody);
      await ctx.db.transaction().execute(async (trx) => {
        await addOrigin(trx, org.id, origin);
        await auditAdmin(trx, org.id, 'origin.add', { type: 'origin', id: origin });
      });
      return c.json({ origin }, 201);
    })
    .get('/', async (c) => c.json({ origins: await listOrigins(ctx.db, c.get('org').id) }));
}

function staffApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      const org = c.get('org');
      const body = await parseBody(c, UpsertStaffBody);
      if (body.locationId && !(await isLocationOf(ctx.db, org.id, body.locationId))) throw httpError(404, 'not-found', 'no such location');
      if (!(await permissionsOfRole(ctx, org.id, body.role))) throw httpError(400, 'invalid', `the org has no role named ${body.role}`);
      const staff = await ctx.db.transaction().execute(async (trx) => {
        const row = await upsertStaff(trx, org.id, body);
        await auditAdmin(trx, org.id, 'staff.upsert', { type: 'staff', id: row.id }, { role: row.role });
        return row;
      });
      return c.json(staffJson(staff), 201);
    })
    .get('/', async (c) => c.json({ staff: (await listStaff(ctx.db, c.get('org').id)).map(staffJson) }));
}

function patientsApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      const org = c.get('org');
      const body = await parseBody(c, UpsertPatientBody);
      if (body.locationId && !(await isLocationOf(ctx.db, org.id, body.locationId))) throw httpError(404, 'not-found', 'no such location');
      let patient = await ctx.db.transaction().execute(async (trx) => {
        const row = await upsertPatient(trx, org.id, body);
        await auditAdmin(trx, org.id, 'patient.upsert', { type: 'patient', id: row.id });
        return row;
      });
      if (body.phone !== undefined) {
        await setPatientPhone(ctx.db, org.id, patient.id, body.phone);
        patient = { ...patient, phone: body.phone };
      }
      return c.json(patientJson(patient), 201);
    })
    .get('/', async (c) => {
      const org = c.get('org');
      const patients = await listPatients(ctx.db, org.id);
      // A list of patients is patient data: reading it is audited like a staff read.
      await auditAdmin(ctx.db, org.id, 'patient.list', { type: 'org', id: org.id }, { count: patients.length });
      return c.json({ patients: patients.map(patientJson) });
    });
}

function listsApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .post('/', async (c) => {
      const org = c.get('org');
      const { name } = await parseBody(c, CreateListBody);
      const list = await unlessDuplicate('a list with this name', () =>
        ctx.db.transaction().execute(async (trx) => {
          const row = await createList(trx, org.id, name);
          await auditAdmin(trx, org.id, 'list.create', { type: 'list', id: row.id });
          return row;
        }),
      );
      return c.json({ id: list.id, name: list.name }, 201);
    })
    .get('/', async (c) => c.json({ lists: (await listLists(ctx.db, c.get('org').id)).map((l) => ({ id: l.id, name: l.name })) }))
    .post('/:list/members', async (c) => {
      const org = c.get('org');
      const listId = c.req.param('list');
      const { staffId } = await parseBody(c, AddMemberBody);
      const added = await ctx.db.transaction().execute(async (trx) => {
        if (!(await addListMember(trx, org.id, listId, staffId))) return false;
        await auditAdmin(trx, org.id, 'list.member.add', { type: 'list', id: listId }, { staff: staffId });
        return true;
      });
      // A list or staff member of another org is, from here, one that does not exist.
      if (!added) throw httpError(404, 'not-found', 'no such list or staff member in this org');
      return c.json({ list: listId, staffId }, 201);
    })
    .get('/:list/members', async (c) => {
      const org = c.get('org');
      const listId = c.req.param('list');
      if (!(await getList(ctx.db, org.id, listId))) throw httpError(404, 'not-found', 'no such list');
      return c.json({ members: (await listMembers(ctx.db, org.id, listId)).map(staffJson) });
    });
}

function locationsApp(ctx: HubContext) {
  return new Hono<AdminEnv>().post('/', async (c) => {
    const org = c.get('org');
    const { name } = await parseBody(c, CreateLocationBody);
    const location = await ctx.db.transaction().execute(async (trx) => {
      const row = await createLocation(trx, org.id, name);
      await auditAdmin(trx, org.id, 'location.create', { type: 'location', id: row.id });
      return row;
    });
    return c.json({ id: location.id, name: location.name }, 201);
  });
}

function retentionApp(ctx: HubContext) {
  return new Hono<AdminEnv>()
    .get('/retention', (c) => c.json({ days: c.get('org').retention_days === null ? null : Number(c.get('org').retention_days) }))
    .put('/retention', async (c) => {
      const org = c.get('org');
      const { days } = await parseBody(c, RetentionBody);
      await ctx.db.transaction().execute(async (trx) => {
        await setRetention(trx, org.id, days);
        await auditAdmin(trx, org.id, 'retention.set', { type: 'org', id: org.id }, { days: days ?? 'forever' });
      });
      return c.json({ days });
    })
    .post('/purge', async (c) => {
      const org = c.get('org');
      const purged = await purgeOrgNow(ctx, org.id);
      if (!purged) throw httpError(404, 'not-found', 'no such org');
      const { days, ...counts } = purged;
      await auditAdmin(ctx.db, org.id, 'retention.purge-now', { type: 'org', id: org.id }, { ...counts, days: days ?? 'forever' });
      return c.json(purged);
    });
}

function auditApp(ctx: HubContext) {
  return new Hono<AdminEnv>().get('/', async (c) => {
    const { limit } = parseQuery(c, AuditQuery);
    return c.json({ entries: (await auditTrail(ctx.db, c.get('org').id, limit)).map(auditJson) });
  });
}

export function createAdminApi(ctx: HubContext, live: InboxLive): Hono<AdminEnv> {
  const admin = new Hono<AdminEnv>();
  admin.use('*', noStore(), requireAdminKey(ctx), limitBody());
  admin.route('/orgs', orgsApp(ctx));
  admin.use('/orgs/:org/*', loadOrg(ctx));
  admin.route('/orgs/:org/keys', keysApp(ctx));
  admin.route('/orgs/:org/origins', originsApp(ctx));
  admin.route('/orgs/:org/staff', staffApp(ctx));
  admin.route('/orgs/:org/patients', patientsApp(ctx));
  admin.route('/orgs/:org/patients/:patient/timeline', vendorTimelineApp(ctx, live));
  admin.route('/orgs/:org/lists', listsApp(ctx));
  admin.route('/orgs/:org/locations', locationsApp(ctx));
  admin.route('/orgs/:org/audit', auditApp(ctx));
  admin.route('/orgs/:org/roles', vendorRolesApp(ctx));
  admin.route('/orgs/:org', retentionApp(ctx));
  return admin;
}
