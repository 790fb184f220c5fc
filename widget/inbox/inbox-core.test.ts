// The inbox core against a real hub (SQLite file, real WebSockets, real REST): two staff
// members and patients, each with the socket a page would have. No DOM.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Frame } from '../../protocol/index.js';
import { addListMember, createList } from '../../hub/db/repositories/people.js';
import { createHub, type Hub } from '../../hub/hub.js';
import { createTestOrg, type TestOrg } from '../../hub/testing/tokens.js';
import { ChatCore } from '../core/chat-core.js';
import { HubTransport, type WebSocketLike } from '../transports/hub.js';
import { InboxApi, apiBaseOf } from './inbox-api.js';
import { InboxCore } from './inbox-core.js';

let dir: string;
let hub: Hub;
let clinic: TestOrg;
const stops: Array<() => void> = [];

interface Person {
  core: ChatCore;
  transport: HubTransport;
  frames: Frame[];
}

async function connect(sub: string, role: 'patient' | 'staff', name: string, visit?: string, beforeStart?: (transport: HubTransport) => void): Promise<Person> {
  const token = await clinic.mint({ sub, role, name, ...(visit && { visit }) });
  const transport = new HubTransport({ url: hub.wsUrl, getToken: () => token, WebSocket: WebSocket as unknown as new (url: string) => WebSocketLike, minBackoffMs: 50, maxBackoffMs: 200 });
  const frames: Frame[] = [];
  transport.listen((f) => frames.push(f));
  const core = new ChatCore({ me: { id: sub, name, role: role === 'patient' ? 'patient' : 'provider' }, transport, visit, repliesWhileAway: role === 'staff' });
  beforeStart?.(transport);
  core.start();
  stops.push(() => core.stop());
  await vi.waitFor(() => expect(core.state.connection).toBe('online'));
  return { core, transport, frames };
}

async function staffInbox(sub: string, name: string) {
  const token = await clinic.mint({ sub, role: 'staff', name });
  let inbox!: InboxCore;
  // Built before the socket connects, as the element does: what the hub says at connect is heard.
  const person = await connect(sub, 'staff', name, undefined, (socket) => {
    inbox = new InboxCore({ api: new InboxApi({ base: apiBaseOf(hub.wsUrl), getToken: () => token }), socket, countsDelayMs: 20 });
  });
  stops.push(() => inbox.stop());
  await inbox.start();
  expect(inbox.state.problem).toBeUndefined();
  return { ...person, inbox };
}

async function patientSays(sub: string, name: string, text: string, visit = 'v1') {
  const patient = await connect(sub, 'patient', name, visit);
  const message = await patient.core.send(text);
  await vi.waitFor(() => expect(patient.core.state.threads[0].messages.find((m) => m.id === message.id)?.status).not.toBe('sending'));
  return patient;
}

const ids = (inbox: InboxCore) => inbox.state.items.map((i) => i.thread);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinic-chat-inbox-core-'));
  hub = await createHub({ port: 0, dataDir: dir, logger: pino({ level: 'silent' }), gateway: { heartbeatMs: 300 } });
  clinic = await createTestOrg(hub.ctx);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('InboxCore against a real hub', () => {
  it('lists a conversation written while no staff was connected, and keeps the list, order and counts live', async () => {
    const ana = await patientSays('ana', 'Ana Ortiz', 'my prescription ran out');
    ana.core.stop();
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    expect(ids(dr.inbox)).toEqual(['ana']);
    expect(dr.inbox.state.items[0]).toMatchObject({ unread: true, lastAuthor: 'patient', preview: 'my prescription ran out', patient: { name: 'Ana Ortiz' } });
    expect(dr.inbox.state.counts).toMatchObject({ open: 1, unread: 1, unresponded: 1, unassigned: 1 });

    await patientSays('ben', 'Ben Okafor', 'is my visit at three?');
    await vi.waitFor(() => expect(ids(dr.inbox)).toEqual(['ben', 'ana']), { timeout: 5000 });
    await vi.waitFor(() => expect(dr.inbox.state.counts?.open).toBe(2), { timeout: 5000 });
    expect(dr.inbox.state.items[0].unread).toBe(true);
  });

  it('opening a conversation brings its history into the chat and reading it clears unread, for me only', async () => {
    const ana = await patientSays('ana', 'Ana Ortiz', 'first');
    ana.core.stop();
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const id = dr.inbox.state.items[0].id;
    await dr.inbox.select(id);
    dr.core.open('ana');
    await vi.waitFor(() => expect(dr.core.state.threads.find((t) => t.id === 'ana')?.messages.map((m) => m.text)).toEqual(['first']));
    await vi.waitFor(() => expect(dr.inbox.state.items[0].unread).toBe(false), { timeout: 5000 });
    expect(kim.inbox.state.items[0].unread).toBe(true);
  });

  it('one claim wins: the other screen shows who within a second, and a second claimer is told who', async () => {
    const ana = await patientSays('ana', 'Ana Ortiz', 'hello');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const id = dr.inbox.state.items[0].id;
    await Promise.all([dr.inbox.select(id), kim.inbox.select(id)]);
    await dr.inbox.claim();
    expect(dr.inbox.state.selected?.claimedBy).toBe(dr.inbox.state.me?.id);
    // Within a second: the claim's live frame.
    await vi.waitFor(() => expect(kim.inbox.state.items[0].claimedBy).toBe(dr.inbox.state.me?.id), { timeout: 1000 });
    await kim.inbox.claim();
    expect(kim.inbox.state.problem).toBe('Dr Lee is already handling this conversation.');
    await dr.inbox.release();
    await vi.waitFor(() => expect(kim.inbox.state.items[0].claimedBy).toBe(null), { timeout: 5000 });
    ana.core.stop();
  });

  it('assignment moves a conversation between Unassigned, My Inbox and a list, live on the other screen', async () => {
    await patientSays('ana', 'Ana Ortiz', 'hello');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const nurses = await createList(hub.ctx.db, clinic.org.id, 'Nurses');
    const kimId = kim.inbox.state.me!.id;
    await addListMember(hub.ctx.db, clinic.org.id, nurses.id, kimId);
    // Kim's inbox learns her lists from the directory: start again so it knows she is a nurse.
    kim.inbox.stop();
    await kim.inbox.start();
    await kim.inbox.setView('mine');
    await dr.inbox.setView('unassigned');
    expect(ids(kim.inbox)).toEqual([]);
    expect(ids(dr.inbox)).toEqual(['ana']);

    await dr.inbox.select(dr.inbox.state.items[0].id);
    await dr.inbox.assign({ kind: 'list', id: nurses.id });
    await vi.waitFor(() => expect(ids(kim.inbox)).toEqual(['ana']), { timeout: 5000 });
    // Still in view on Dr Lee's screen; gone from his Unassigned once he leaves it.
    expect(ids(dr.inbox)).toEqual(['ana']);
    await dr.inbox.select(null);
    await dr.inbox.reload();
    expect(ids(dr.inbox)).toEqual([]);
    await vi.waitFor(() => expect(kim.inbox.state.counts?.mine).toBe(1), { timeout: 5000 });

    await dr.inbox.setView({ list: nurses.id });
    expect(ids(dr.inbox)).toEqual(['ana']);
  });

  it('closing takes it out of every open list; a new patient message re-opens it, unread', async () => {
    const ana = await patientSays('ana', 'Ana Ortiz', 'thanks, that is all');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    await dr.inbox.select(dr.inbox.state.items[0].id);
    await dr.inbox.close();
    await vi.waitFor(() => expect(ids(kim.inbox)).toEqual([]), { timeout: 5000 });
    await kim.inbox.setView('closed');
    expect(ids(kim.inbox)).toEqual(['ana']);
    await kim.inbox.setView('all');

    await ana.core.send('one more question');
    await vi.waitFor(() => expect(ids(kim.inbox)).toEqual(['ana']), { timeout: 5000 });
    expect(kim.inbox.state.items[0]).toMatchObject({ status: 'open', unread: true, preview: 'one more question' });
  });

  it('a note with a mention reaches the colleague (event, Mentions list) and never the patient', async () => {
    const ana = await patientSays('ana', 'Ana Ortiz', 'hello');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const mentioned = vi.fn();
    kim.inbox.events.on('mention', mentioned);
    const id = dr.inbox.state.items[0].id;
    await Promise.all([dr.inbox.select(id), kim.inbox.select(id)]);
    const kimId = kim.inbox.state.me!.id;
    const note = await dr.inbox.addNote('@Dr Kim can you check the dose?', [{ kind: 'staff', id: kimId }]);
    expect(dr.inbox.state.notes.map((n) => n.text)).toEqual(['@Dr Kim can you check the dose?']);
    await vi.waitFor(() => expect(kim.inbox.state.notes.map((n) => n.id)).toEqual([note.id]), { timeout: 5000 });
    await vi.waitFor(() => expect(mentioned).toHaveBeenCalledOnce(), { timeout: 5000 });
    await vi.waitFor(() => expect(kim.inbox.state.mentions.map((m) => m.note)).toEqual([note.id]), { timeout: 5000 });
    await kim.inbox.dismissMention(kim.inbox.state.mentions[0].id);
    expect(kim.inbox.state.mentions).toEqual([]);
    expect(ana.frames.some((f) => f.type === 'note' || f.type === 'inbox' || f.type === 'inbox-state' || f.type === 'viewing')).toBe(false);
    expect(JSON.stringify(ana.frames)).not.toContain('check the dose');
  });

  it('shows who else is viewing a conversation, and drops them when they leave it or close the page', async () => {
    await patientSays('ana', 'Ana Ortiz', 'hello');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const id = dr.inbox.state.items[0].id;
    await kim.inbox.select(id);
    await dr.inbox.select(id);
    await vi.waitFor(() => expect(kim.inbox.state.viewers[id]?.map((v) => v.name)).toEqual(['Dr Lee']), { timeout: 5000 });
    expect(dr.inbox.state.viewers[id]?.map((v) => v.name)).toEqual(['Dr Kim']);
    await dr.inbox.select(null);
    await vi.waitFor(() => expect(kim.inbox.state.viewers[id]).toEqual([]), { timeout: 5000 });
    await kim.inbox.select(null);
    await kim.inbox.select(id);
    await dr.inbox.select(id);
    await vi.waitFor(() => expect(kim.inbox.state.viewers[id]?.length).toBe(1), { timeout: 5000 });
    dr.core.stop();
    await vi.waitFor(() => expect(kim.inbox.state.viewers[id]).toEqual([]), { timeout: 5000 });
  });

  it('a staff page that connects later learns who is already viewing what', async () => {
    await patientSays('ana', 'Ana Ortiz', 'hello');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const id = kim.inbox.state.items[0].id;
    await kim.inbox.select(id);
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    await vi.waitFor(() => expect(dr.inbox.state.viewers[id]?.map((v) => v.name)).toEqual(['Dr Kim']), { timeout: 5000 });
  });

  it('a conversation left before its answer came stays left, and the last one chosen wins', async () => {
    (await patientSays('ana', 'Ana Ortiz', 'hello')).core.stop();
    (await patientSays('ben', 'Ben Okafor', 'hi')).core.stop();
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const [ben, ana] = dr.inbox.state.items.map((i) => i.id);
    await dr.inbox.setView('closed'); // neither is listed now: opening asks the hub
    const opening = dr.inbox.select(ana);
    const left = dr.inbox.select(null);
    await Promise.all([opening, left]);
    expect(dr.inbox.state.selected).toBe(null);
    const first = dr.inbox.select(ana);
    const second = dr.inbox.select(ben);
    await Promise.all([first, second]);
    expect(dr.inbox.state.selected?.id).toBe(ben);
  });

  it('a conversation closed while in view leaves the open list when I leave it', async () => {
    (await patientSays('ana', 'Ana Ortiz', 'hello')).core.stop();
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    await dr.inbox.select(dr.inbox.state.items[0].id);
    await dr.inbox.close();
    expect(ids(dr.inbox)).toEqual(['ana']); // still in view
    await dr.inbox.select(null);
    expect(ids(dr.inbox)).toEqual([]);
  });

  it('after a network drop the colleagues still see me viewing the open conversation, and I see them', async () => {
    await patientSays('ana', 'Ana Ortiz', 'hello');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('dr-kim', 'Dr Kim');
    const id = dr.inbox.state.items[0].id;
    await dr.inbox.select(id);
    await kim.inbox.select(id);
    await vi.waitFor(() => expect(kim.inbox.state.viewers[id]?.length).toBe(1), { timeout: 5000 });
    const sockets = [...(hub.gateway as unknown as { sessions: Set<{ identity?: { externalId: string }; ws: { terminate(): void } }> }).sessions];
    for (const session of sockets) if (session.identity?.externalId === 'dr-kim') session.ws.terminate();
    await vi.waitFor(() => expect(kim.core.state.connection).toBe('online'), { timeout: 5000 });
    await vi.waitFor(() => expect(dr.inbox.state.viewers[id]?.map((v) => v.name)).toEqual(['Dr Kim']), { timeout: 5000 });
    await vi.waitFor(() => expect(kim.inbox.state.viewers[id]?.map((v) => v.name)).toEqual(['Dr Lee']), { timeout: 5000 });
  }, 20_000);

  it('mark unread leaves the conversation unread for me and closes it on my screen', async () => {
    await patientSays('ana', 'Ana Ortiz', 'hello');
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    await dr.inbox.select(dr.inbox.state.items[0].id);
    dr.core.open('ana');
    await vi.waitFor(() => expect(dr.inbox.state.items[0].unread).toBe(false), { timeout: 5000 });
    dr.core.close();
    await dr.inbox.markUnread();
    expect(dr.inbox.state.selected).toBe(null);
    await vi.waitFor(() => expect(dr.inbox.state.items[0]).toMatchObject({ unread: true, mark: { markedUnread: true } }), { timeout: 5000 });
  });

  it('searches message text and names with snippets, and pages with a cursor', async () => {
    for (const [id, name, text] of [
      ['ana', 'Ana Ortiz', 'my prescription ran out'],
      ['ben', 'Ben Okafor', 'the rash is worse'],
      ['cai', 'Cai Lin', 'is the clinic open on Friday'],
    ]) {
      (await patientSays(id, name, text)).core.stop();
    }
    const dr = await staffInbox('dr-lee', 'Dr Lee');
    await dr.inbox.search('prescription');
    expect(ids(dr.inbox)).toEqual(['ana']);
    expect(dr.inbox.state.snippets[dr.inbox.state.items[0].id]).toContain('«prescription»');
    await dr.inbox.search('okafor');
    expect(ids(dr.inbox)).toEqual(['ben']);
    await dr.inbox.search('');

    const paged = new InboxCore({ api: new InboxApi({ base: apiBaseOf(hub.wsUrl), getToken: () => clinic.mint({ sub: 'dr-lee', role: 'staff', name: 'Dr Lee' }) }), socket: dr.transport, pageSize: 2 });
    stops.push(() => paged.stop());
    await paged.start();
    expect(ids(paged)).toEqual(['cai', 'ben']);
    expect(paged.state.more).toBe(true);
    await paged.loadMore();
    expect(ids(paged)).toEqual(['cai', 'ben', 'ana']);
    expect(paged.state.more).toBe(false);
  });

  it('a patient token is refused the inbox, in words', async () => {
    const token = await clinic.mint({ sub: 'ana', role: 'patient', name: 'Ana' });
    const ana = await connect('ana', 'patient', 'Ana', 'v1');
    const inbox = new InboxCore({ api: new InboxApi({ base: apiBaseOf(hub.wsUrl), getToken: () => token }), socket: ana.transport });
    await inbox.start();
    expect(inbox.state.problem).toBe('The inbox is for the care team.');
    expect(inbox.state.ready).toBe(false);
  });
});

describe('apiBaseOf', () => {
  it('turns the hub WebSocket URL into its REST base', () => {
    expect(apiBaseOf('wss://chat.example.com/v1/ws')).toBe('https://chat.example.com/v1');
    expect(apiBaseOf('ws://127.0.0.1:8787/v1/ws?x=1')).toBe('http://127.0.0.1:8787/v1');
  });

  it('loads the open conversation\'s events and adds the ones made on another screen live, each once', async () => {
    await patientSays('ana', 'Ana Ortiz', 'hello');
    const lee = await staffInbox('dr-lee', 'Dr Lee');
    const kim = await staffInbox('kim', 'Nurse Kim');
    await vi.waitFor(() => expect(ids(lee.inbox)).toEqual(['ana']));
    const id = lee.inbox.state.items[0]!.id;
    await lee.inbox.select(id);
    await lee.inbox.claim();
    await vi.waitFor(() => expect(ids(kim.inbox)).toEqual(['ana']));
    await kim.inbox.select(id);
    expect(kim.inbox.state.events.map((e) => e.kind)).toEqual(['visit-started', 'claimed']);
    await kim.inbox.setUrgent(true);
    await vi.waitFor(() => expect(lee.inbox.state.events.map((e) => e.kind)).toEqual(['visit-started', 'claimed', 'urgent']));
    expect(lee.inbox.state.events[2]!.by).toMatchObject({ name: 'Nurse Kim' });
    // Another conversation's events do not enter this one's timeline.
    await lee.inbox.select(null);
    expect(lee.inbox.state.events).toEqual([]);
  });
});
