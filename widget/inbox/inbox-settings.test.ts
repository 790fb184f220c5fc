// The settings panel's state against a real hub (SQLite file, real REST), no DOM: each part is
// loaded only for the permission that grants it; retention, purge now and the audit's pages and
// CSV as the panel shows them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audit } from '../../hub/db/repositories/audit.js';
import { createHub, type Hub } from '../../hub/hub.js';
import { createTestOrg, type TestOrg } from '../../hub/testing/tokens.js';
import { InboxApi, apiBaseOf } from './inbox-api.js';
import { InboxCore } from './inbox-core.js';
import type { InboxSocket } from './inbox-state.js';

let dir: string;
let hub: Hub;
let clinic: TestOrg;
const stops: Array<() => void> = [];

/** The settings need no live frames: a socket that says nothing. */
const quietSocket: InboxSocket = { listen: () => () => undefined, send: () => true, catchUp: () => undefined };

async function inboxOf(sub: string, role: 'staff' | 'admin'): Promise<InboxCore> {
  const token = await clinic.mint({ sub, role, name: `Person ${sub}` });
  const inbox = new InboxCore({ api: new InboxApi({ base: apiBaseOf(hub.wsUrl), getToken: () => token }), socket: quietSocket });
  stops.push(() => inbox.stop());
  await inbox.start();
  expect(inbox.state.problem).toBeUndefined();
  return inbox;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clinic-chat-inbox-settings-'));
  hub = await createHub({ port: 0, dataDir: dir, logger: pino({ level: 'silent' }) });
  clinic = await createTestOrg(hub.ctx);
});

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await hub.close();
  await rm(dir, { recursive: true, force: true });
});

describe('InboxSettings against a real hub', () => {
  it('offers staff without the permissions no settings, and loads none of the admin parts for them', async () => {
    const lee = await inboxOf('lee', 'staff');
    expect(lee.settings.available).toBe(false);
    await lee.settings.open();
    expect(lee.state.problem).toBeUndefined();
    expect(lee.state.retention).toBeUndefined();
    expect(lee.state.audit).toBeUndefined();
  });

  it('an admin saves the retention and purges now; the audit on top shows each, and close forgets it all', async () => {
    const sam = await inboxOf('sam', 'admin');
    expect(sam.settings.available).toBe(true);
    await sam.settings.open();
    expect(sam.state.retention).toEqual({ days: null });
    await sam.settings.setRetention(90);
    expect(sam.state.retention).toEqual({ days: 90 });
    expect(sam.state.audit?.entries[0]).toMatchObject({ action: 'retention.set', actor: { kind: 'staff', name: 'Person sam' }, detail: { days: 90 } });
    await sam.settings.purgeNow();
    expect(sam.state.retention).toEqual({ days: 90, purged: { days: 90, conversations: 0, messages: 0, attachments: 0, patients: 0 } });
    expect(sam.state.audit?.entries[0]?.action).toBe('retention.purge-now');
    sam.settings.close();
    expect([sam.state.settings, sam.state.retention, sam.state.audit]).toEqual([undefined, undefined, undefined]);
  });

  it('narrows the audit: the first page, Load more and the CSV all keep the filters', async () => {
    for (let i = 0; i < 60; i++) await audit(hub.ctx.db, { orgId: clinic.org.id, actor: { kind: 'admin-key', id: 'admin' }, action: i % 2 ? 'transcript.export' : 'patient.upsert', subject: { type: 'patient', id: `pat_${i}` } }, 1_000_000 + i);
    const sam = await inboxOf('sam', 'admin');
    await sam.settings.open();
    await sam.settings.filterAudit({ action: 'transcript.*', actor: 'admin' });
    expect(sam.state.audit?.entries).toHaveLength(30);
    expect(sam.state.audit?.entries.every((e) => e.action === 'transcript.export')).toBe(true);
    expect(sam.state.audit?.next).toBeUndefined();
    const csv = await sam.settings.auditCsv();
    const lines = (await csv!.csv.text()).trim().split(/\r?\n/);
    expect(lines.slice(1).every((l) => l.includes('transcript.export'))).toBe(true);
    expect(lines).toHaveLength(31);
  });

  it('an admin sees the roles and changes what one grants; the change is on top of the audit', async () => {
    const sam = await inboxOf('sam', 'admin');
    await sam.settings.open();
    expect(sam.state.roles?.map((r) => r.name)).toEqual(['admin', 'staff']);
    await sam.settings.setRole('trainee', ['chats.read']);
    expect(sam.state.roles?.find((r) => r.name === 'trainee')).toEqual({ name: 'trainee', permissions: ['chats.read'], defined: true });
    expect(sam.state.audit?.entries[0]).toMatchObject({ action: 'role.set' });
    await sam.settings.setRole('admin', ['chats.read']);
    expect(sam.state.problem).toContain('settings.manage');
    const lee = await inboxOf('lee', 'staff');
    await lee.settings.open();
    expect(lee.state.roles).toBeUndefined();
  });

  it('pages the audit 50 at a time and downloads it as CSV with the hub\'s file name', async () => {
    for (let i = 0; i < 70; i++) await audit(hub.ctx.db, { orgId: clinic.org.id, actor: { kind: 'admin-key', id: 'admin' }, action: 'patient.upsert', subject: { type: 'patient', id: `pat_${i}` } }, 1_000_000 + i);
    const sam = await inboxOf('sam', 'admin');
    await sam.settings.open();
    expect(sam.state.audit?.entries).toHaveLength(50);
    expect(sam.state.audit?.next).toBeDefined();
    await sam.settings.moreAudit();
    const entries = sam.state.audit!.entries;
    expect(entries.length).toBeGreaterThan(70);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
    const file = await sam.settings.auditCsv({ action: 'patient.upsert' });
    expect(file?.filename).toMatch(/^audit-.+-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await file!.csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(71);
    expect(lines[1]).toMatch(/,admin-key,admin,,patient\.upsert,patient,pat_69,$/);
  });
});
