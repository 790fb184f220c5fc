// The inbox queries agree with one another on a mixed org (and never see another org): each
// count is the length of its filter's list, and a page of known ids or of my mentions holds
// exactly those rows of the full list, in its order.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { eachDialect } from '../../testing/databases.js';
import { openDatabase, type HubDatabase } from '../database.js';
import { getOrCreateConversation } from './conversations.js';
import { assignConversation, closeConversation, inboxCounts, inboxPage, setUnread, type InboxFilter, type Viewer } from './inbox.js';
import { storeMessageIn } from './messages.js';
import { addNote } from './notes.js';
import { createOrg } from './orgs.js';
import { addListMember, createList, createLocation, upsertPatient, upsertStaff } from './people.js';

eachDialect((databases) => {
  let db: HubDatabase;
  afterEach(async () => {
    await db.destroy();
  });
  beforeEach(async () => {
    db = await openDatabase(await databases.fresh());
  });

  /** A small seeded PRNG: the same mix every run. */
  function prng(seed: number) {
    let a = seed;
    return () => ((a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  }

  async function seedOrg(name: string, random: () => number) {
    const org = (await createOrg(db, { name })).id;
    const staff = await Promise.all(['lee', 'kim', 'ray'].map((s) => upsertStaff(db, org, { externalId: s, name: `Dr ${s}`, role: 'staff' })));
    const lists = [await createList(db, org, 'Nurses'), await createList(db, org, 'Billing')];
    await addListMember(db, org, lists[0]!.id, staff[0]!.id);
    const location = await createLocation(db, org, 'North');
    let at = 1_000_000;
    for (let i = 0; i < 40; i++) {
      const patient = await upsertPatient(db, org, { externalId: `p${i}`, name: `Patient ${i}`, locationId: random() < 0.5 ? location.id : null });
      const c = await getOrCreateConversation(db, org, patient.id, null, at);
      for (let m = 0; m < 1 + Math.floor(random() * 3); m++) {
        at += 1000;
        const fromPatient = m === 0 || random() < 0.5;
        const author = fromPatient ? { authorKind: 'patient' as const, authorId: patient.id, authorName: patient.name } : { authorKind: 'staff' as const, authorId: staff[1]!.id, authorName: 'Dr kim' };
        await db.transaction().execute((trx) => storeMessageIn(trx, { orgId: org, conversationId: c.id, clientId: `m${i}-${m}`, ...author, body: `message ${m}`, sentAt: at, attachments: [] }, at));
      }
      const r = random();
      if (r < 0.25) await assignConversation(db, org, c.id, { kind: 'staff', id: staff[Math.floor(random() * 3)]!.id });
      else if (r < 0.5) await assignConversation(db, org, c.id, { kind: 'list', id: lists[Math.floor(random() * 2)]!.id });
      if (random() < 0.3) await closeConversation(db, org, c.id);
      if (random() < 0.3) await setUnread(db, c.id, staff[0]!.id, random() < 0.3, 99);
      if (random() < 0.2) {
        await addNote(db, { orgId: org, conversationId: c.id, authorStaffId: staff[1]!.id, authorName: 'Dr kim', clientId: `n${i}`, body: 'see', mentions: [{ kind: random() < 0.5 ? 'staff' : 'list', id: random() < 0.5 ? staff[0]!.id : lists[0]!.id }] });
      }
    }
    const viewer: Viewer = { orgId: org, staffId: staff[0]!.id, lists: [lists[0]!.id] };
    return { viewer, lists, location };
  }

  it('counts what each filter lists, and pages of ids or mentions are those rows of the full list', async () => {
    const { viewer, lists, location } = await seedOrg('Clinic', prng(7));
    await seedOrg('Other', prng(8));
    const all = async (filter: InboxFilter) => (await inboxPage(db, viewer, filter, 200)).rows;
    const counts = await inboxCounts(db, viewer);
    expect(counts.open).toBe((await all({})).length);
    expect(counts.closed).toBe((await all({ status: 'closed' })).length);
    expect(counts.unread).toBe((await all({ unread: true })).length);
    expect(counts.unresponded).toBe((await all({ unresponded: true })).length);
    expect(counts.mine).toBe((await all({ mine: true })).length);
    expect(counts.unassigned).toBe((await all({ unassigned: true })).length);
    expect(counts.mentions).toBe((await all({ mentions: true })).length);
    expect(counts.mentions).toBeGreaterThan(0);
    for (const list of lists) expect(counts.lists[list.id] ?? 0).toBe((await all({ list: list.id })).length);
    expect(counts.locations[location.id]).toBe((await all({ location: location.id })).length);
    expect(counts.locations[location.id]).toBeGreaterThan(0);
    expect(Object.keys(counts.locations)).toEqual([location.id]); // the other org's location is not counted
    expect(counts.open + counts.closed).toBe(40);

    const everything = await all({ status: 'any' });
    const some = everything.filter((_, i) => i % 3 === 0).map((r) => r.id);
    expect((await all({ status: 'any', ids: some })).map((r) => r.id)).toEqual(some);
    const open = await all({});
    expect((await all({ ids: some })).map((r) => r.id)).toEqual(open.filter((r) => some.includes(r.id)).map((r) => r.id));
    const mentioned = open.filter((r) => r.open_mentions > 0).map((r) => r.id);
    expect((await all({ mentions: true })).map((r) => r.id)).toEqual(mentioned);
    expect((await all({ mentions: true, unread: true, location: location.id })).map((r) => r.id)).toEqual(
      (await all({ unread: true, location: location.id })).filter((r) => mentioned.includes(r.id)).map((r) => r.id),
    );
    const firstPage = await inboxPage(db, viewer, { status: 'any', ids: some }, 5);
    const rest = await inboxPage(db, viewer, { status: 'any', ids: some }, 200, firstPage.next);
    expect([...firstPage.rows, ...rest.rows].map((r) => r.id)).toEqual(some);
  });
});
