// Inbox search on each database: prefixes, diacritics, every word required, the user's text
// never read as query syntax, one org never finding another's text, deleted text gone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachDialect } from '../../testing/databases.js';
import { openDatabase, type HubDatabase } from '../database.js';
import { deleteConversation, getOrCreateConversation } from './conversations.js';
import { closeConversation } from './inbox.js';
import { storeMessageIn } from './messages.js';
import { createOrg } from './orgs.js';
import { upsertPatient } from './people.js';
import { fts5Query, searchConversations, searchTerms, tsQuery } from './search.js';

describe('search query building', () => {
  it('keeps words with a letter or digit, quotes them, and never passes syntax through', () => {
    expect(searchTerms('  presc  -- * " : ')).toEqual(['presc']);
    expect(fts5Query(['a"b', 'NEAR('])).toBe('"a""b"* AND "NEAR("*');
    expect(tsQuery(["o'brien", 'x:*|!'])).toBe("('o' <-> 'brien':*) & 'x':*");
  });
});

eachDialect((databases) => {
  let db: HubDatabase;
  let clinic: string;
  let other: string;
  let at = 1_000_000;

  beforeEach(async () => {
    db = await openDatabase(await databases.fresh());
    clinic = (await createOrg(db, { name: 'Clinic' })).id;
    other = (await createOrg(db, { name: 'Other' })).id;
  });
  afterEach(async () => {
    await db.destroy();
  });

  /** A patient of `org` writes `texts`; returns the conversation id. */
  async function writes(org: string, patient: string, ...texts: string[]): Promise<string> {
    const p = await upsertPatient(db, org, { externalId: patient.toLowerCase().replace(/\W/g, '-'), name: patient });
    const c = await getOrCreateConversation(db, org, p.id, null);
    for (const [i, body] of texts.entries()) {
      at += 1000;
      await db.transaction().execute((trx) =>
        storeMessageIn(trx, { orgId: org, conversationId: c.id, clientId: `${c.id}-${at}-${i}`, authorKind: 'patient', authorId: p.id, authorName: patient, body, sentAt: at, attachments: [] }, at),
      );
    }
    return c.id;
  }

  const find = async (q: string, org = clinic) => [...(await searchConversations(db, org, q)).keys()].sort();

  it('finds words by their start, without regard to case or diacritics, every word required', async () => {
    const ana = await writes(clinic, 'Ana Pérez', 'I need a new prescription for my inhaler');
    const jose = await writes(clinic, 'José Gómez', 'The rash on my arm is worse since Tuesday');
    const ben = await writes(clinic, 'Ben Okafor', 'Question about the café near the clinic', 'prescription refill please');
    expect(await find('presc')).toEqual([ana, ben].sort());
    expect(await find('PRESCRIPTION inhaler')).toEqual([ana]);
    expect(await find('presc refill')).toEqual([ben]);
    expect(await find('presc rash')).toEqual([]);
    expect(await find('jose')).toEqual([jose]);
    expect(await find('gomez jo')).toEqual([jose]);
    expect(await find('cafe')).toEqual([ben]);
    expect(await find('perez')).toEqual([ana]);
    // One or two letters (the first keys typed) are prefixes too.
    expect(await find('q')).toEqual([ben]);
    expect(await find('tu')).toEqual([jose]);
    expect(await find('g')).toEqual([jose]);
    const hits = await searchConversations(db, clinic, 'presc inhal');
    expect(hits.get(ana)).toContain('«prescription»');
    expect(hits.get(ana)).toContain('«inhaler»');
    expect((await searchConversations(db, clinic, 'jose')).get(jose)).toBe('«José» Gómez');
    expect((await searchConversations(db, clinic, 'cafe')).get(ben)).toContain('«café»');
  });

  it('reads the user text as words only: syntax gives no error and never matches everything', async () => {
    const ana = await writes(clinic, 'Ana', 'my knee hurts: a sharp pain, not "dull"');
    await writes(clinic, 'Ben', 'billing question');
    for (const q of ['"', '*', '-', ':', "'", '()', 'NEAR(', 'OR', 'AND', 'NOT', '"knee', 'knee"', 'knee OR billing', 'knee -pain', 'body:knee', 'knee*', "knee'", '^knee', 'NEAR(knee billing)', '!knee & | :*', 'knee) OR (billing']) {
      const found = await find(q);
      expect(found.length, q).toBeLessThanOrEqual(1);
      if (found.length) expect(found, q).toEqual([ana]);
    }
    expect(await find('')).toEqual([]);
    expect(await find('  --  ** ""  ')).toEqual([]);
    expect(await find('knee OR billing')).toEqual([]);
    expect(await find('"dull"')).toEqual([ana]);
  });

  it('keeps each org to its own conversations', async () => {
    await writes(other, 'Ana Secret', 'zebra crossing pain');
    const mine = await writes(clinic, 'Carla', 'ordinary text');
    expect(await find('zebra')).toEqual([]);
    expect(await find('secret')).toEqual([]);
    expect(await find('zebra', other)).toHaveLength(1);
    expect(await find('ordinary', other)).toEqual([]);
    expect(await find('ordinary')).toEqual([mine]);
  });

  it('finds closed conversations, and no longer finds deleted ones or replaced names', async () => {
    const ana = await writes(clinic, 'Ana', 'appointment tomorrow morning');
    const ben = await writes(clinic, 'Ben', 'appointment next week');
    await closeConversation(db, clinic, ben);
    expect(await find('appoint')).toEqual([ana, ben].sort());
    await deleteConversation(db, clinic, ben);
    expect(await find('appoint')).toEqual([ana]);
    expect(await find('ben')).toEqual([]);
    await upsertPatient(db, clinic, { externalId: 'ana', name: 'Anabel Rossi' });
    expect(await find('rossi')).toEqual([ana]);
    await upsertPatient(db, clinic, { externalId: 'ana', name: 'Anabel Conti' });
    expect(await find('rossi')).toEqual([]);
    expect(await find('conti')).toEqual([ana]);
  });
});
