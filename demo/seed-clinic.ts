// DEVELOPMENT ONLY. A small clinic for the demo's inbox, so a newcomer sees a populated shared
// inbox at once: two teams, two clinics, three staff members, a dozen patients with history,
// some assigned, one claimed, one urgent, one closed, and a note that mentions a colleague.
// Written through the hub's own repositories, once: a database that already has the demo's
// conversations is left as it is.
import type { HubContext } from '../hub/context.js';
import { getOrCreateConversation } from '../hub/db/repositories/conversations.js';
import { assignConversation, claimConversation, closeConversation } from '../hub/db/repositories/inbox.js';
import { storeMessageIn } from '../hub/db/repositories/messages.js';
import { addNote } from '../hub/db/repositories/notes.js';
import { addListMember, createList, createLocation, listLists, upsertPatient, upsertStaff } from '../hub/db/repositories/people.js';

import { DEMO_STAFF_PAGES } from './identity.js';

/** The staff the inbox page can be opened as (`?as=`), by their external ids. */
const DEMO_STAFF = DEMO_STAFF_PAGES.map((s) => ({ externalId: s.id, name: s.name, role: s.role }));

type Line = [who: 'patient' | 'staff', text: string, minutesAgo: number, staff?: string];

const PATIENTS: Array<{ id: string; name: string; lines: Line[]; assign?: 'nurses' | 'desk' | string; claim?: string; urgent?: boolean; closed?: boolean }> = [
  {
    id: 'maya',
    name: 'Maya Patel',
    urgent: true,
    assign: 'nurses',
    lines: [
      ['patient', 'My chest feels tight since this morning after the new inhaler.', 14],
      ['patient', 'Should I stop using it?', 12],
    ],
  },
  {
    id: 'omar',
    name: 'Omar Haddad',
    assign: 'dr-lee',
    claim: 'dr-lee',
    lines: [
      ['patient', 'Hi, the blood test results came in yesterday. Can someone go over them with me?', 95],
      ['staff', 'Hi Omar, I have them here. Your cholesterol is a little high; nothing urgent.', 80, 'dr-lee'],
      ['patient', 'Thanks. Do I need to change my diet?', 40],
    ],
  },
  {
    id: 'lena',
    name: 'Lena Schmidt',
    assign: 'desk',
    lines: [['patient', 'Can I move my appointment on Thursday to the afternoon?', 60 * 3]],
  },
  {
    id: 'tomas',
    name: 'Tomás García',
    lines: [
      ['patient', 'Is the clinic open on the public holiday?', 60 * 5],
      ['staff', 'We are closed that day, but the video clinic runs as usual.', 60 * 4, 'sam-desk'],
    ],
  },
  {
    id: 'grace',
    name: 'Grace Mensah',
    assign: 'nurses',
    lines: [
      ['patient', 'The rash on my arm is spreading. I can send a photo.', 60 * 6],
      ['staff', 'Yes please, a photo in good light helps.', 60 * 5.5, 'nurse-kim'],
      ['patient', 'It looks redder today than yesterday.', 30],
    ],
  },
  {
    id: 'ivan',
    name: 'Ivan Petrov',
    lines: [['patient', 'My prescription for metformin ran out. Can it be renewed?', 60 * 20]],
  },
  {
    id: 'sofia',
    name: 'Sofia Rossi',
    assign: 'dr-lee',
    lines: [
      ['patient', 'The physio exercises help, but my knee still hurts on stairs.', 60 * 26],
      ['staff', 'That is expected for a few weeks. Keep going and tell us if it swells.', 60 * 25, 'dr-lee'],
    ],
  },
  {
    id: 'kenji',
    name: 'Kenji Watanabe',
    closed: true,
    lines: [
      ['patient', 'Do I need to fast before the blood test?', 60 * 50],
      ['staff', 'Yes, nothing but water for 8 hours before.', 60 * 49, 'nurse-kim'],
      ['patient', 'Great, thank you!', 60 * 48],
    ],
  },
  {
    id: 'amara',
    name: 'Amara Okafor',
    assign: 'desk',
    lines: [['patient', 'I was charged twice for the last video visit.', 60 * 30]],
  },
  {
    id: 'lucas',
    name: 'Lucas Martin',
    lines: [
      ['patient', 'My son has had a fever of 38.5 since last night.', 90],
      ['patient', 'He is drinking but very tired.', 85],
    ],
  },
  {
    id: 'hana',
    name: 'Hana Kim',
    closed: true,
    lines: [
      ['patient', 'Where do I find the visit summary?', 60 * 70],
      ['staff', 'Under Visits in your account, then Summary.', 60 * 69, 'sam-desk'],
    ],
  },
  {
    id: 'david',
    name: 'David Cohen',
    assign: 'nurse-kim',
    lines: [
      ['patient', 'Is it safe to take ibuprofen with my blood pressure tablets?', 60 * 2],
      ['staff', 'Let me check with the doctor and come back to you today.', 60 * 1.8, 'nurse-kim'],
    ],
  },
];

/** Seeds the demo org once; returns whether it wrote anything. */
export async function seedDemoClinic(ctx: HubContext, orgId: string, now = Date.now()): Promise<boolean> {
  if ((await listLists(ctx.db, orgId)).length > 0) return false;
  const db = ctx.db;
  const staff = new Map<string, string>();
  for (const s of DEMO_STAFF) staff.set(s.externalId, (await upsertStaff(db, orgId, s, now)).id);
  const nurses = await createList(db, orgId, 'Nurses');
  const desk = await createList(db, orgId, 'Front desk');
  await addListMember(db, orgId, nurses.id, staff.get('nurse-kim')!);
  await addListMember(db, orgId, desk.id, staff.get('sam-desk')!);
  const teams: Record<string, string> = { nurses: nurses.id, desk: desk.id };
  const sites = [await createLocation(db, orgId, 'Downtown clinic'), await createLocation(db, orgId, 'Eastside clinic')];
  // Where the staff work: the inbox offers each their own as "My location".
  await db.updateTable('staff').set({ location_id: sites[0]!.id }).where('id', '=', staff.get('dr-lee')!).execute();
  await db.updateTable('staff').set({ location_id: sites[1]!.id }).where('id', '=', staff.get('nurse-kim')!).execute();

  for (const [n, p] of PATIENTS.entries()) {
    const patient = await upsertPatient(db, orgId, { externalId: p.id, name: p.name, locationId: sites[n % 2]!.id }, now);
    const conversation = await getOrCreateConversation(db, orgId, patient.id, `demo-${p.id}`, now - p.lines[0][2] * 60_000);
    for (const [i, [who, text, minutesAgo, by]] of p.lines.entries()) {
      const at = Math.round(now - minutesAgo * 60_000);
      const author = who === 'patient' ? { kind: 'patient' as const, id: patient.id, name: p.name } : { kind: 'staff' as const, id: staff.get(by!)!, name: DEMO_STAFF.find((s) => s.externalId === by)!.name };
      await db.transaction().execute((trx) =>
        storeMessageIn(
          trx,
          { orgId, conversationId: conversation.id, clientId: `seed-${p.id}-${i}`, authorKind: author.kind, authorId: author.id, authorName: author.name, body: text, sentAt: at, attachments: [] },
          at,
        ),
      );
    }
    if (p.assign) await assignConversation(db, orgId, conversation.id, teams[p.assign] ? { kind: 'list', id: teams[p.assign] } : { kind: 'staff', id: staff.get(p.assign)! });
    if (p.claim) await claimConversation(db, orgId, conversation.id, staff.get(p.claim)!);
    if (p.urgent) await db.updateTable('conversations').set({ urgency: 1 }).where('id', '=', conversation.id).execute();
    if (p.closed) await closeConversation(db, orgId, conversation.id, now - 60 * 60_000);
    if (p.id === 'david') {
      await addNote(db, {
        orgId,
        conversationId: conversation.id,
        authorStaffId: staff.get('nurse-kim')!,
        authorName: 'Nurse Kim',
        clientId: 'seed-note-david',
        body: '@Dr. Lee is ibuprofen OK with his lisinopril? He asked this morning.',
        mentions: [{ kind: 'staff', id: staff.get('dr-lee')! }],
      }, now - 100 * 60_000);
    }
  }
  return true;
}
