// Inbox bench: the shared inbox's queries on a big SQLite database. Seeds a file database
// (in a temp folder, removed at the end) with conversations and messages across a few orgs,
// lists, staff and locations, rows as the hub writes them (the inbox columns of each
// conversation match its last message; the search index is filled by its own triggers), then
// times each inbox page, the counts and the search, and prints p50/p99 as a Markdown table.
// Asserts nothing. `npm run bench:inbox` (100,000 conversations, 1,000,000 messages) or
// `npm run bench:inbox -- --conversations 10000 --messages 100000 --runs 50` (smoke).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { arch, availableParallelism, cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { openDatabase, type HubDatabase } from '../hub/db/database.js';
import { inboxCounts, inboxPage, type InboxFilter, type Viewer } from '../hub/db/repositories/inbox.js';
import { searchConversations } from '../hub/db/repositories/search.js';
import { preview } from '../hub/domain/conversation-state.js';
import { percentile } from './report.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '1000000' },
    orgs: { type: 'string', default: '4' },
    runs: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
  },
});
const CONVERSATIONS = Number(values.conversations);
const MESSAGES = Number(values.messages);
const ORGS = Number(values.orgs);
const RUNS = Number(values.runs);
const PAGE = 50; // the route's default page
const STAFF_PER_ORG = 40;
const LISTS_PER_ORG = 6;
const LOCATIONS_PER_ORG = 4;
const DAY = 86_400_000;

/** mulberry32: a small seeded PRNG, so every run seeds the same database. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(Number(values.seed));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const FIRST = `Ana Ben Carla David Elena Farid Grace Hiro Ines José Karim Lena Marta Noah Olga Pablo Quinn Rosa Sami Tomás Uma Víctor Wen Ximena Yusuf Zoe
  Aaron Beatriz Chloé Dmitri Emma Fatima Gabriel Hana Ivan Julia Kenji Laura Mateo Nadia Omar Priya Rafael Sofia Theo Ulla Valeria William Yara Zeynep
  Adele Bruno Camille Diego Esther Felix Giulia Hugo Irene Jakob Kavya Leo Maya Nils Oscar Paula Renée Stefan Tara Ugo Vera Walter Xavier Yasmin Zoltan`.split(/\s+/);
const LAST = `García Okafor Pérez Nguyen Smith Müller Rossi Kowalski Dubois Tanaka Silva Haddad Johansson Novak Costa Schmidt Ferreira Ivanova Kim Brown
  Martínez López González Wilson Taylor Moreau Bianchi Lindqvist Horvat Papadopoulos Yilmaz Cohen Nakamura Santos Fischer Weber Laurent Romano Olsen Murphy
  Kelly Walsh Andersen Jensen Nielsen Virtanen Korhonen Lehmann Wagner Becker Hoffmann Schulz Koch Richter Klein Wolf Schröder Neumann Schwarz Zimmermann`.split(/\s+/);
// Clinical chat vocabulary, most common first: word frequency falls off as 1/rank (Zipf).
const VOCABULARY = `the i my a to and is it of for you in have with this on be can that at not your we will but do are so
  thanks hello hi please yes no today tomorrow morning afternoon evening week day days time now still again since after before
  appointment doctor nurse clinic pain feel feeling better worse fever cough headache medication dose pharmacy prescription refill
  question results test blood pressure sugar insulin tablet tablets pill pills twice daily night sleep tired dizzy nausea rash
  knee back shoulder neck chest stomach throat ear eye skin arm leg foot hand wrist ankle hip joint swelling swollen bruise
  allergy allergic reaction itchy sore sneezing congestion breathing inhaler asthma antibiotic ibuprofen paracetamol cream ointment
  vaccine booster flu covid shot injection referral specialist scan xray mri ultrasound report form letter sick note work school
  insurance billing invoice payment copay portal login password reschedule cancel confirm available slot monday tuesday wednesday
  thursday friday weekend urgent emergency call phone video visit follow up check review change stop start continue increase
  reduce side effects symptoms history family child son daughter husband wife mother father baby pregnant pregnancy weight diet
  exercise physio therapy stretch ice heat rest walking running sport injury fall fell twisted sprain fracture stitches wound dressing
  bandage infection red warm discharge temperature thermometer degrees hours minutes lunch breakfast dinner food water drink alcohol
  smoking quit anxiety stress mood depression counselling mental health sleeping nightmares palpitations heartbeat cholesterol thyroid
  kidney liver lab sample urine stool glucose monitor reading readings high low normal borderline repeat fasting results ready
  thank much great okay sure understood perfect sorry late running traffic parking address directions entrance reception waiting room
  mask gloves sanitizer hearing aid glasses contact lenses dentist tooth gum migraine vertigo numbness tingling cramp spasm stiffness
  arthritis gout eczema psoriasis acne mole biopsy dermatologist cardiologist neurologist orthopedic surgeon surgery operation recovery
  discharge plan notes summary consent signature upload photo picture attached attachment file document copy record records`.split(/\s+/);
/** Words that a search for something unusual finds: each in about one message in 20,000. */
const RARE = ['anaphylaxis', 'sarcoidosis', 'pheochromocytoma', 'tularemia'];
const zipf = (() => {
  const weights = VOCABULARY.map((_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  const cumulative = weights.map((w) => (sum += w / total));
  return () => {
    const u = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return VOCABULARY[lo]!;
  };
})();
function sentence(): string {
  const words = Array.from({ length: between(3, 28) }, zipf);
  if (chance(1 / 20_000)) words.splice(between(0, words.length), 0, pick(RARE));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}${pick(['.', '.', '.', '?', '!', ''])}`;
}
const body = () => (chance(0.2) ? `${sentence()} ${sentence()}` : sentence());

let idCounter = 0;
const id = (prefix: string) => `${prefix}_${(idCounter++).toString(36).padStart(8, '0')}${Math.floor(random() * 36 ** 5).toString(36)}`;

interface Org {
  id: string;
  staff: string[];
  staffNames: string[];
  lists: string[];
  /** Each staff member's lists. */
  memberOf: Map<string, string[]>;
  locations: string[];
}

/** Seeds through a connection of its own (bulk transactions, no fsync per commit): the rows are those the hub writes. */
function seed(path: string): { orgs: Org[]; seconds: number } {
  const started = performance.now();
  const sqlite = new SQLite(path);
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = ON');
  const insert = (table: string, columns: string[]) => sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
  const org = insert('orgs', ['id', 'name', 'created_at']);
  const location = insert('locations', ['id', 'org_id', 'name']);
  const staff = insert('staff', ['id', 'org_id', 'external_id', 'name', 'role', 'created_at', 'notify_unassigned']);
  const list = insert('lists', ['id', 'org_id', 'name']);
  const member = insert('list_members', ['list_id', 'staff_id']);
  const patient = insert('patients', ['id', 'org_id', 'external_id', 'name', 'location_id', 'opted_out_at', 'created_at']);
  const conversation = insert('conversations', [
    'id', 'org_id', 'patient_id', 'channel', 'status', 'assignee_staff_id', 'assignee_list_id', 'urgency', 'visit', 'last_seq', 'last_inbound_at', 'last_outbound_at',
    'created_at', 'updated_at', 'ended_visit', 'ended_at', 'claimed_by_staff_id', 'claimed_at', 'closed_at', 'last_author_kind', 'last_preview', 'last_message_at', 'last_inbound_seq',
  ]);
  const message = insert('messages', ['id', 'org_id', 'conversation_id', 'seq', 'client_id', 'author_kind', 'author_id', 'author_name', 'body', 'sent_at', 'created_at']);
  const cursor = insert('read_cursors', ['conversation_id', 'participant_kind', 'participant_id', 'delivered_seq', 'read_seq', 'marked_unread', 'updated_at']);
  const note = insert('notes', ['id', 'org_id', 'conversation_id', 'author_staff_id', 'author_name', 'client_id', 'body', 'created_at']);
  const mention = insert('mentions', ['id', 'org_id', 'note_id', 'conversation_id', 'staff_id', 'created_at', 'dismissed_at']);

  const start = Date.UTC(2026, 5, 1);
  const orgs: Org[] = [];
  sqlite.transaction(() => {
    for (let o = 0; o < ORGS; o++) {
      const orgId = id('org');
      org.run(orgId, `Clinic ${o + 1}`, start);
      const locations = Array.from({ length: LOCATIONS_PER_ORG }, (_, i) => {
        const lid = id('loc');
        location.run(lid, orgId, `Site ${i + 1}`);
        return lid;
      });
      const staffIds: string[] = [];
      const staffNames: string[] = [];
      for (let s = 0; s < STAFF_PER_ORG; s++) {
        const sid = id('stf');
        const name = `Dr ${pick(FIRST)} ${pick(LAST)}`;
        staff.run(sid, orgId, `staff-${s}`, name, s < 3 ? 'admin' : 'staff', start, chance(0.2) ? 1 : 0);
        staffIds.push(sid);
        staffNames.push(name);
      }
      const lists = ['Front desk', 'Nurses', 'Billing', 'Pharmacy', 'Triage', 'Pediatrics'].slice(0, LISTS_PER_ORG).map((name) => {
        const lid = id('lst');
        list.run(lid, orgId, name);
        return lid;
      });
      const memberOf = new Map<string, string[]>();
      staffIds.forEach((sid, s) => {
        const mine = [...new Set([lists[s % lists.length]!, ...(chance(0.4) ? [pick(lists)] : [])])];
        for (const lid of mine) member.run(lid, sid);
        memberOf.set(sid, mine);
      });
      orgs.push({ id: orgId, staff: staffIds, staffNames, lists, memberOf, locations });
    }
  })();

  // The first org is the big one (the one measured): 40 %, the others share the rest.
  const orgOf = () => (chance(0.4) || ORGS === 1 ? orgs[0]! : orgs[1 + Math.floor(random() * (ORGS - 1))]!);
  const viewer = orgs[0]!.staff[5]!;
  const span = 180 * DAY;
  const perConversation = MESSAGES / CONVERSATIONS;
  let messagesLeft = MESSAGES;
  const batch = 2_000;
  // Conversations start in time order, so messages go in roughly in the order they were written.
  for (let first = 0; first < CONVERSATIONS; first += batch) {
    sqlite.transaction(() => {
      for (let c = first; c < Math.min(CONVERSATIONS, first + batch); c++) {
        const o = orgOf();
        const cid = id('cnv');
        const pid = id('pat');
        const patientName = `${pick(FIRST)} ${pick(LAST)}${chance(0.15) ? `-${pick(LAST)}` : ''}`;
        const created = start + Math.floor((c / CONVERSATIONS) * span);
        patient.run(pid, o.id, `patient-${c}`, patientName, chance(0.9) ? pick(o.locations) : null, null, created);
        const left = CONVERSATIONS - c;
        const n = c === CONVERSATIONS - 1 ? messagesLeft : Math.max(1, Math.min(messagesLeft - (left - 1), Math.round(perConversation * (0.2 + 1.6 * random()))));
        messagesLeft -= n;
        const open = chance(0.25);
        const assignedTo = random();
        const assigneeStaff = assignedTo < 0.3 ? pick(o.staff) : null;
        const assigneeList = assignedTo >= 0.3 && assignedTo < 0.6 ? pick(o.lists) : null;
        const staffOf = assigneeStaff ?? pick(o.staff);
        const staffName = o.staffNames[o.staff.indexOf(staffOf)]!;
        const conversationRow = { lastInbound: null as number | null, lastOutbound: null as number | null, lastInboundSeq: null as number | null, lastKind: 'patient', lastText: '', at: created };
        let at = created;
        const rows = [];
        for (let seq = 1; seq <= n; seq++) {
          const fromPatient = seq === 1 || chance(0.55);
          at += between(20_000, 4 * 3_600_000);
          const text = body();
          const mid = id('msg');
          rows.push([mid, o.id, cid, seq, `c-${mid}`, fromPatient ? 'patient' : 'staff', fromPatient ? pid : staffOf, fromPatient ? patientName : staffName, text, at - between(50, 900), at]);
          if (fromPatient) {
            conversationRow.lastInbound = at;
            conversationRow.lastInboundSeq = seq;
          } else {
            conversationRow.lastOutbound = at;
          }
          conversationRow.lastKind = fromPatient ? 'patient' : 'staff';
          conversationRow.lastText = text;
          conversationRow.at = at;
        }
        const claimed = open && chance(0.2) ? pick(o.staff) : null;
        conversation.run(
          cid, o.id, pid, 'chat', open ? 'open' : 'closed', assigneeStaff, assigneeList, chance(0.06) ? (chance(0.2) ? 2 : 1) : 0, chance(0.3) ? `visit-${c}` : null, n,
          conversationRow.lastInbound, conversationRow.lastOutbound, created, conversationRow.at, null, null, claimed, claimed ? conversationRow.at : null,
          open ? null : conversationRow.at + DAY, conversationRow.lastKind, preview(conversationRow.lastText), conversationRow.at, conversationRow.lastInboundSeq,
        );
        for (const row of rows) message.run(...row);
        // Read cursors: the assignee has read most of theirs, the measured viewer a share of the org's.
        if (assigneeStaff && chance(0.8)) cursor.run(cid, 'staff', assigneeStaff, n, chance(0.7) ? n : between(0, n), 0, conversationRow.at);
        if (o === orgs[0] && assigneeStaff !== viewer && chance(0.3)) cursor.run(cid, 'staff', viewer, n, chance(0.8) ? n : between(0, n), chance(0.02) ? 1 : 0, conversationRow.at);
        if (o === orgs[0] && chance(0.004)) {
          const nid = id('nte');
          note.run(nid, o.id, cid, staffOf, staffName, `n-${nid}`, `@viewer ${sentence()}`, conversationRow.at);
          mention.run(id('mnt'), o.id, nid, cid, viewer, conversationRow.at, chance(0.5) ? conversationRow.at + 60_000 : null);
        }
      }
    })();
  }
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { orgs, seconds: (performance.now() - started) / 1000 };
}

interface Timing {
  name: string;
  p50: number;
  p99: number;
  /** Rows (or hits) the query answered with. */
  rows: number;
}

async function time(name: string, run: () => Promise<number>): Promise<Timing> {
  let rows = 0;
  for (let i = 0; i < Math.min(20, RUNS); i++) rows = await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  const timing = { name, p50: percentile(times, 50), p99: percentile(times, 99), rows };
  console.error(`  ${name}: p50 ${timing.p50.toFixed(2)} ms, p99 ${timing.p99.toFixed(2)} ms (${rows} rows)`);
  return timing;
}

const dir = mkdtempSync(join(tmpdir(), 'clinic-chat-inbox-bench-'));
let db: HubDatabase | undefined;
try {
  const path = join(dir, 'hub.sqlite');
  db = await openDatabase(path); // the schema, by the hub's own migrations
  console.error(`seeding ${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages, ${ORGS} orgs…`);
  const { orgs, seconds } = seed(path);
  const size = statSync(path).size / 1e6;
  console.error(`seeded in ${seconds.toFixed(1)} s (${Math.round(MESSAGES / seconds).toLocaleString('en')} messages/s with the search index), ${size.toFixed(0)} MB`);

  const org = orgs[0]!;
  const staffId = org.staff[5]!;
  const viewer: Viewer = { orgId: org.id, staffId, lists: org.memberOf.get(staffId)! };
  const page = (filter: InboxFilter) => async () => (await inboxPage(db!, viewer, filter, PAGE)).rows.length;
  const search = (q: string) => async () => (await searchConversations(db!, org.id, q)).size;
  const first = await inboxPage(db, viewer, {}, PAGE);
  const hits = [...(await searchConversations(db, org.id, 'prescription refill')).keys()];

  const timings: Timing[] = [];
  console.error(`timing, ${RUNS} runs each:`);
  timings.push(await time('inboxPage, no filter (open)', page({})));
  timings.push(await time('inboxPage, unread', page({ unread: true })));
  timings.push(await time('inboxPage, mine', page({ mine: true })));
  timings.push(await time('inboxPage, unassigned', page({ unassigned: true })));
  timings.push(await time('inboxPage, list', page({ list: org.lists[2]! })));
  timings.push(await time('inboxPage, closed', page({ status: 'closed' })));
  timings.push(await time('inboxPage, mine + unread + unresponded', page({ mine: true, unread: true, unresponded: true })));
  timings.push(await time('inboxPage, location + unassigned', page({ location: org.locations[1]!, unassigned: true })));
  timings.push(await time('inboxPage, mentions', page({ mentions: true })));
  timings.push(await time('inboxPage, page 2 (cursor)', async () => (await inboxPage(db!, viewer, {}, PAGE, first.next)).rows.length));
  timings.push(await time("inboxPage, a search's hits (any status)", page({ status: 'any', ids: hits })));
  timings.push(await time('inboxCounts', async () => Object.keys(await inboxCounts(db!, viewer)).length));
  timings.push(await time('search, common word ("appointment")', search('appointment')));
  timings.push(await time(`search, rare word ("${RARE[0]}")`, search(RARE[0]!)));
  timings.push(await time('search, prefix ("presc")', search('presc')));
  timings.push(await time('search, two-letter prefix ("pr")', search('pr')));
  timings.push(await time('search, one letter ("a")', search('a')));
  timings.push(await time('search, two words ("knee swollen")', search('knee swollen')));
  timings.push(await time('search, patient name ("garcia")', search('garcia')));
  timings.push(await time('search, full name ("jose garcia")', search('jose garcia')));

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n### Inbox queries: ${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages, ${ORGS} orgs (SQLite file, ${size.toFixed(0)} MB)\n`);
  console.log('| query | p50 ms | p99 ms | rows |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const t of timings) console.log(`| ${t.name} | ${t.p50.toFixed(2)} | ${t.p99.toFixed(2)} | ${t.rows} |`);
  console.log(`\n- ${RUNS} runs per query after ${Math.min(20, RUNS)} warm-up runs; the measured org holds about 40 % of the rows; pages of ${PAGE}`);
  console.log(`- seeding: ${seconds.toFixed(1)} s, ${Math.round(MESSAGES / seconds).toLocaleString('en')} messages/s through the search triggers (bulk transactions, synchronous off)`);
  console.log(`- machine: ${availableParallelism()} cores (${cpu}), ${process.platform} ${release()} ${arch()}, node ${process.version}`);
} finally {
  await db?.destroy();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
