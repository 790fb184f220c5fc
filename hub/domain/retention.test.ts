// The retention purge on each database: closed conversations past their org's retention go with
// their messages, notes, attachments and bytes; a legal hold or a recent close keeps one; the
// audit keeps ids and counts. On SQLite the marker is looked for in the raw database file.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FileBlobStore } from '../blobs.js';
import { openDatabase, type HubDatabase } from '../db/database.js';
import { getOrCreateConversation } from '../db/repositories/conversations.js';
import { storeMessageIn } from '../db/repositories/messages.js';
import { createOrg } from '../db/repositories/orgs.js';
import { upsertPatient } from '../db/repositories/people.js';
import { eachDialect } from '../testing/databases.js';
import { purgeExpired } from './retention.js';

const DAY = 24 * 3600 * 1000;
const NOW = 1_000 * DAY;

eachDialect((databases) => {
  let db: HubDatabase;
  let location: string;
  let blobDir: string;
  let blobs: FileBlobStore;
  let org: string;
  const log = pino({ level: 'silent' });

  beforeEach(async () => {
    location = await databases.fresh();
    db = await openDatabase(location);
    blobDir = await mkdtemp(join(tmpdir(), 'clinic-chat-blobs-'));
    blobs = new FileBlobStore(blobDir);
    org = (await createOrg(db, { name: 'Clinic' })).id;
    await db.updateTable('orgs').set({ retention_days: 30 }).where('id', '=', org).execute();
    await db.insertInto('staff').values({ id: 'stf_1', org_id: org, external_id: 'dr', name: 'Dr A', role: 'admin', created_at: 0 }).execute();
  });
  afterEach(async () => {
    await db.destroy().catch(() => undefined);
    await rm(blobDir, { recursive: true, force: true });
  });

  /** A conversation of a patient named after `marker`, with the marker in a message, a note and an attachment's bytes, closed at `closedAt`. */
  async function seed(marker: string, closedAt: number | null, hold = false): Promise<string> {
    const p = await upsertPatient(db, org, { externalId: marker.toLowerCase(), name: `Patient ${marker}` });
    const c = await getOrCreateConversation(db, org, p.id, null);
    const message = await db.transaction().execute((trx) =>
      storeMessageIn(trx, { orgId: org, conversationId: c.id, clientId: `m-${marker}`, authorKind: 'patient', authorId: p.id, authorName: 'P', body: `my rash ${marker} again`, sentAt: 1, attachments: [] }, 1),
    );
    const key = `${org}/${marker}`;
    await blobs.put(key, new TextEncoder().encode(`scan of ${marker}`));
    const messageId = (await db.selectFrom('messages').select('id').where('conversation_id', '=', c.id).executeTakeFirstOrThrow()).id;
    await db
      .insertInto('attachments')
      .values({ id: `att-${marker}`, org_id: org, conversation_id: c.id, message_id: messageId, client_id: `a-${marker}`, name: 'scan.txt', mime: 'text/plain', size: 10, storage_key: key, created_at: 1 })
      .execute();
    await db.insertInto('notes').values({ id: `note-${marker}`, org_id: org, conversation_id: c.id, author_staff_id: 'stf_1', author_name: 'Dr A', client_id: `n-${marker}`, body: `note on ${marker}`, created_at: 1 }).execute();
    await db.insertInto('mentions').values({ id: `men-${marker}`, org_id: org, note_id: `note-${marker}`, conversation_id: c.id, staff_id: 'stf_1', created_at: 1, dismissed_at: null }).execute();
    await db
      .updateTable('conversations')
      .set({ status: closedAt === null ? 'open' : 'closed', closed_at: closedAt, legal_hold: hold ? 1 : 0 })
      .where('id', '=', c.id)
      .execute();
    expect(message).toBeDefined();
    return c.id;
  }

  const count = async (table: 'messages' | 'notes' | 'mentions' | 'attachments', conversationId: string) =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n);

  it('deletes a closed conversation past retention with its messages, notes, mentions, attachments and bytes, and keeps held and recent ones', async () => {
    const expired = await seed('Zqxmarkerexpired', NOW - 31 * DAY);
    const held = await seed('Zqxmarkerheld', NOW - 31 * DAY, true);
    const recent = await seed('Zqxmarkerrecent', NOW - 29 * DAY);
    const open = await seed('Zqxmarkeropen', null);

    const result = await purgeExpired({ db, blobs, log }, NOW);

    expect(result.get(org)).toEqual({ conversations: 1, messages: 1, attachments: 1, patients: 1 });
    for (const table of ['messages', 'notes', 'mentions', 'attachments'] as const) {
      expect(await count(table, expired)).toBe(0);
      for (const kept of [held, recent, open]) expect(await count(table, kept)).toBe(1);
    }
    expect(await db.selectFrom('conversations').select('id').where('id', '=', expired).executeTakeFirst()).toBeUndefined();
    expect(await blobs.get(`${org}/Zqxmarkerexpired`)).toBeUndefined();
    expect(await blobs.get(`${org}/Zqxmarkerheld`)).toBeDefined();
    const trail = await db.selectFrom('audit_log').selectAll().where('action', '=', 'retention.purge').execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]!.subject_id).toBe(org);
    expect(JSON.parse(trail[0]!.detail!)).toEqual({ conversations: 1, messages: 1, attachments: 1, patients: 1, days: 30 });
    expect(JSON.stringify(trail)).not.toMatch(/zqxmarker/i);
    // Nothing left to purge: a second run changes and audits nothing.
    expect((await purgeExpired({ db, blobs, log }, NOW)).size).toBe(0);

    if (databases.dialect !== 'sqlite') return;
    await db.destroy();
    const dir = join(location, '..');
    for (const name of await readdir(dir)) {
      const bytes = (await readFile(join(dir, name))).toString('latin1');
      expect([...bytes.matchAll(/.{0,12}zqxmarkerexpired.{0,12}/gis)].map((m) => JSON.stringify(m[0])), name).toEqual([]);
      expect(bytes, name).toMatch(/Zqxmarkerheld/);
    }
    const files = await readdir(blobDir, { recursive: true });
    for (const name of files) {
      const path = join(blobDir, name);
      const bytes = await readFile(path).catch(() => Buffer.alloc(0));
      expect(bytes.toString('latin1')).not.toMatch(/zqxmarkerexpired/i);
    }
    expect(files.join(' ')).not.toMatch(/zqxmarkerexpired/i);
  });

  it('takes a purged patient\'s merged records and their shared phone with them', async () => {
    const id = await seed('GONE', NOW - 40 * DAY);
    const patient = (await db.selectFrom('conversations').select('patient_id').where('id', '=', id).executeTakeFirstOrThrow()).patient_id;
    await db.insertInto('contacts').values({ id: 'con_1', org_id: org, phone: '+15550102000', primary_patient_id: patient, created_at: 1 }).execute();
    await db.updateTable('patients').set({ contact_id: 'con_1', phone: '+1 555 010 2000' }).where('id', '=', patient).execute();
    await upsertPatient(db, org, { externalId: 'gone-old', name: 'Patient GONE (old record)' });
    await db.updateTable('patients').set({ merged_into: patient, contact_id: null, phone: '555 010 2000' }).where('external_id', '=', 'gone-old').execute();
    const kept = await upsertPatient(db, org, { externalId: 'other', name: 'Other' });
    await db.insertInto('contacts').values({ id: 'con_2', org_id: org, phone: '+15550109999', primary_patient_id: kept.id, created_at: 1 }).execute();
    await db.updateTable('patients').set({ contact_id: 'con_2' }).where('id', '=', kept.id).execute();

    await purgeExpired({ db, blobs, log }, NOW);
    expect((await db.selectFrom('patients').select('external_id').where('org_id', '=', org).execute()).map((p) => p.external_id)).toEqual(['other']);
    expect((await db.selectFrom('contacts').select('id').where('org_id', '=', org).execute()).map((c) => c.id)).toEqual(['con_2']);
  });

  it('purges nothing of an org that keeps conversations forever', async () => {
    await db.updateTable('orgs').set({ retention_days: null }).where('id', '=', org).execute();
    const old = await seed('Zqxmarkerforever', NOW - 9000 * DAY);
    expect((await purgeExpired({ db, blobs, log }, NOW)).size).toBe(0);
    expect(await count('messages', old)).toBe(1);
  });
});
