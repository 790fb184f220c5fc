// New chat and the patient in view, as the inbox core holds them, against a real hub (SQLite
// file, REST), no DOM: find, add and start (a draft until the hub's inbox frame for the
// patient); the shared contact, its primary and a merge; the name patients see; transcripts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../protocol/index.js';
import { createHub, type Hub } from '../../hub/hub.js';
import { setPatientPhone } from '../../hub/domain/contacts.js';
import { getOrCreateConversation } from '../../hub/db/repositories/conversations.js';
import { upsertPatient } from '../../hub/db/repositories/people.js';
import { createTestOrg, type TestOrg } from '../../hub/testing/tokens.js';
import { InboxApi, apiBaseOf } from './inbox-api.js';
import { InboxCore } from './inbox-core.js';
import type { InboxSocket } from './inbox-state.js';

let dir: string;
let hub: Hub;
let clinic: TestOrg;
const stops: Array<() => void> = [];

/** A socket the test speaks for: it hands the core whatever frame the test says the hub sent. */
function scriptedSocket() {
  const listeners = new Set<(frame: Frame) => void>();
  const socket: InboxSocket = {
    listen: (l) => (listeners.add(l), () => listeners.delete(l)),
    send: () => true,
    catchUp: () => undefined,
  };
  return { socket, deliver: (frame: Frame) => listeners.forEach((l) => l(frame)) };
}

async function inboxOf(sub: string, role = 'staff') {
  const token = await clinic.mint({ sub, role, name: `Person ${sub}` });
  const api = new InboxApi({ base: apiBaseOf(hub.wsUrl), getToken: () => token });
  const { socket, deliver } = scriptedSocket();
  const inbox = new InboxCore({ api, socket });
  stops.push(() => inbox.stop());
  await inbox.start();
  expect(inbox.state.problem).toBeUndefined();
  return { inbox, api, deliver };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinic-chat-inbox-patient-'));
  hub = await createHub({ port: 0, dataDir: dir, logger: pino({ level: 'silent' }) });
  clinic = await createTestOrg(hub.ctx);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('New chat in the inbox core', () => {
  it('finds patients as one types, drops an older answer, adds one and keeps a draft until the hub has the conversation', async () => {
    const db = hub.ctx.db;
    const ana = await upsertPatient(db, clinic.org.id, { externalId: 'ana', name: 'Ana Ortiz' });
    await getOrCreateConversation(db, clinic.org.id, ana.id, null);
    const { inbox, api, deliver } = await inboxOf('lee');
    inbox.newChat.open();
    await Promise.all([inbox.newChat.find('o'), inbox.newChat.find('ortiz')]);
    expect(inbox.state.newChat).toMatchObject({ query: 'ortiz', searching: false });
    expect(inbox.state.newChat!.results.map((p) => p.name)).toEqual(['Ana Ortiz']);
    expect(inbox.state.newChat!.results[0]!.conversation).toMatchObject({ status: 'open' });

    await inbox.newChat.create({ name: 'Dana Fox', externalId: 'dana' });
    expect(inbox.state.newChat).toBeUndefined();
    expect(inbox.state.starting).toEqual({ thread: 'dana', name: 'Dana Fox' });
    expect(inbox.state.selected).toBeNull();
    // Another patient's conversation arriving changes nothing; Dana's opens.
    const anaEntry = (await api.page({})).conversations[0]!;
    deliver({ v: 1, type: 'inbox', conversation: anaEntry } as Frame);
    expect(inbox.state.starting?.thread).toBe('dana');
    const dana = await upsertPatient(db, clinic.org.id, { externalId: 'dana', name: 'Dana Fox' });
    const conversation = await getOrCreateConversation(db, clinic.org.id, dana.id, null);
    const danaEntry = (await api.page({})).conversations.find((c) => c.thread === 'dana')!;
    deliver({ v: 1, type: 'inbox', conversation: danaEntry } as Frame);
    await expect.poll(() => inbox.state.selected?.id).toBe(conversation.id);
    expect(inbox.state.starting).toBeUndefined();
  });

  it('a draft is dropped when one leaves it; a patient with a conversation opens it', async () => {
    const db = hub.ctx.db;
    const ben = await upsertPatient(db, clinic.org.id, { externalId: 'ben', name: 'Ben Okafor' });
    const conversation = await getOrCreateConversation(db, clinic.org.id, ben.id, null);
    const { inbox } = await inboxOf('lee');
    await inbox.newChat.start({ id: 'pat_x', externalId: 'cleo', name: 'Cleo', phone: null, locationId: null, conversation: null });
    expect(inbox.state.starting?.thread).toBe('cleo');
    inbox.newChat.cancelDraft();
    expect(inbox.state.starting).toBeUndefined();
    await inbox.newChat.start({ id: ben.id, externalId: 'ben', name: 'Ben Okafor', phone: null, locationId: null, conversation: { id: conversation.id, status: 'open' } });
    expect(inbox.state.selected?.id).toBe(conversation.id);
  });
});

describe('the patient in view', () => {
  it('loads the shared contact with the conversation; the primary changes; a merge leaves one record on it', async () => {
    const db = hub.ctx.db;
    const mara = await upsertPatient(db, clinic.org.id, { externalId: 'mara', name: 'Mara Diaz' });
    const luca = await upsertPatient(db, clinic.org.id, { externalId: 'luca', name: 'Luca Diaz' }, Date.now() + 1);
    await setPatientPhone(db, clinic.org.id, mara.id, '+1 555 010 4000');
    await setPatientPhone(db, clinic.org.id, luca.id, '+1 (555) 010-4000');
    const conversation = await getOrCreateConversation(db, clinic.org.id, luca.id, null);
    const { inbox } = await inboxOf('lee');
    await inbox.select(conversation.id);
    expect(inbox.state.contact).toMatchObject({ for: conversation.id, patient: luca.id, contact: { primary: mara.id, phone: '+1 (555) 010-4000' } });
    await inbox.patient.setPrimary(luca.id);
    expect(inbox.state.contact?.contact?.primary).toBe(luca.id);
    await inbox.patient.merge(mara.id);
    expect(inbox.state.problem).toBeUndefined();
    expect(inbox.state.contact?.contact?.patients.map((p) => p.name)).toEqual(['Luca Diaz']);
  });

  it('the name patients see: loaded when asked, saved here or for all my conversations; and the transcript as a file', async () => {
    const db = hub.ctx.db;
    const ana = await upsertPatient(db, clinic.org.id, { externalId: 'ana', name: 'Ana Ortiz' });
    const conversation = await getOrCreateConversation(db, clinic.org.id, ana.id, null);
    await hub.ctx.db.insertInto('roles').values({ org_id: clinic.org.id, name: 'reader', permissions: JSON.stringify(['chats.read']), updated_at: Date.now() }).execute();
    const { inbox } = await inboxOf('lee');
    await inbox.select(conversation.id);
    await inbox.patient.loadDisplayName();
    expect(inbox.state.displayName).toEqual({ for: conversation.id, name: 'Person lee', conversation: null, own: null });
    await inbox.patient.saveDisplayName('own', 'Dr. Lee');
    await inbox.patient.saveDisplayName('conversation', 'Jamie');
    expect(inbox.state.displayName).toEqual({ for: conversation.id, name: 'Jamie', conversation: 'Jamie', own: 'Dr. Lee' });
    const text = await inbox.patient.transcript('text', false);
    expect(text?.type).toContain('text/plain');
    expect(await text!.text()).toContain('Ana Ortiz');
    // A role without the permission (defined before anyone signed in): no file, the refusal in words.
    const { inbox: reader } = await inboxOf('rita', 'reader');
    await reader.select(conversation.id);
    expect(await reader.patient.transcript('fhir', false)).toBeUndefined();
    expect(reader.state.problem).toBeTruthy();
  });
});
