// The shared inbox through a real hub: REST actions with real tokens, live frames on real
// sockets, on SQLite and on PostgreSQL.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../protocol/index.js';
import type { DirectoryResponse, InboxCountsResponse, InboxEntry, InboxPageResponse } from '../../protocol/inbox.js';
import { claimConversation } from '../db/repositories/inbox.js';
import type { Hub } from '../hub.js';
import { eachDialect } from '../testing/databases.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  const { api, connect } = t;
  let hub: Hub;
  let clinic: TestOrg;
  beforeEach(() => {
    hub = t.hub;
    clinic = t.clinic;
  });

  const staffToken = (sub: string, extra: Record<string, unknown> = {}, org = clinic) => org.mint({ sub, name: `Dr ${sub}`, role: 'staff', ...extra });
  const patientToken = (sub: string, org = clinic) => org.mint({ sub, name: sub.toUpperCase(), role: 'patient' });

  /** A patient writes `texts` over the socket and waits for the acks; returns the client. */
  async function patientWrites(sub: string, ...texts: string[]) {
    const client = await connect(await patientToken(sub));
    texts.forEach((text, i) => client.send({ type: 'message', id: `${sub}-${Date.now()}-${i}`, thread: sub, from: { id: sub, name: sub, role: 'patient' }, text, at: Date.now(), clock: i + 1 }));
    await client.waitForCount((f) => f.type === 'ack', texts.length);
    return client;
  }

  async function inbox(token: string, query = '') {
    const { status, body } = await api<InboxPageResponse>(token, `/inbox${query}`);
    expect(status).toBe(200);
    return body;
  }
  const threads = (page: InboxPageResponse) => page.conversations.map((c) => c.thread);
  const entry = async (token: string, thread: string): Promise<InboxEntry> => (await inbox(token)).conversations.find((c) => c.thread === thread)!;

  describe('the shared inbox', () => {
    it('lists every conversation of the org with its last message, unread and unresponded, most recent first', async () => {
      const lee = await staffToken('lee');
      await patientWrites('ana', 'first', 'my knee hurts');
      await patientWrites('ben', 'hello');
      const page = await inbox(lee);
      expect(threads(page)).toEqual(['ben', 'ana']);
      const ana = page.conversations[1]!;
      expect(ana).toMatchObject({ status: 'open', preview: 'my knee hurts', lastAuthor: 'patient', unread: true, lastSeq: 2, lastInboundSeq: 2, assignee: null, claimedBy: null, ended: false });
      expect((await api<InboxCountsResponse>(lee, '/inbox/counts')).body).toMatchObject({ open: 2, unread: 2, unresponded: 2, unassigned: 2, mine: 0, closed: 0, mentions: 0 });
      // A reply answers it; reading it makes it read for that staff member alone.
      const dr = await connect(lee);
      dr.send({ type: 'message', id: 'r1', thread: 'ana', from: { id: 'lee', name: 'x', role: 'provider' }, text: 'on my way', at: Date.now(), clock: 9 });
      await dr.waitFor((f) => f.type === 'ack');
      dr.send({ type: 'read', from: 'lee', thread: 'ana', ids: [ana.thread === 'ana' ? (await hub.ctx.db.selectFrom('messages').select('client_id').where('seq', '=', 2).where('conversation_id', '=', ana.id).executeTakeFirstOrThrow()).client_id : ''] });
      await expect.poll(async () => (await entry(lee, 'ana')).unread).toBe(false);
      expect(await entry(lee, 'ana')).toMatchObject({ lastAuthor: 'staff', preview: 'on my way' });
      expect((await entry(await staffToken('kim'), 'ana')).unread).toBe(true);
      expect(threads(await inbox(lee, '?unresponded=1'))).toEqual(['ben']);
      expect(threads(await inbox(lee, '?unread=1'))).toEqual(['ben']);
    });

    it('assigns to a person or a list; My Inbox is mine and my lists\'; unassigned is the rest', async () => {
      const lee = await staffToken('lee');
      const kim = await staffToken('kim');
      await patientWrites('ana', 'a');
      await patientWrites('ben', 'b');
      await patientWrites('cleo', 'c');
      const directory = async (token: string) => (await api<DirectoryResponse>(token, '/inbox/directory')).body;
      const leeId = (await directory(lee)).me.id;
      const kimId = (await directory(kim)).me.id;
      const list = await hub.ctx.db.insertInto('lists').values({ id: 'lst_front', org_id: clinic.org.id, name: 'Front desk' }).returning('id').executeTakeFirstOrThrow();
      await hub.ctx.db.insertInto('list_members').values({ list_id: list.id, staff_id: kimId }).execute();
      const byThread = Object.fromEntries((await inbox(lee)).conversations.map((c) => [c.thread, c.id]));
      expect((await api(lee, `/inbox/${byThread.ana}/assign`, { body: { to: { kind: 'staff', id: leeId } } })).status).toBe(200);
      expect((await api(lee, `/inbox/${byThread.ben}/assign`, { body: { to: { kind: 'list', id: list.id } } })).status).toBe(200);
      expect(threads(await inbox(lee, '?mine=1'))).toEqual(['ana']);
      expect(threads(await inbox(kim, '?mine=1'))).toEqual(['ben']);
      expect(threads(await inbox(kim, `?list=${list.id}`))).toEqual(['ben']);
      expect(threads(await inbox(lee, '?unassigned=1'))).toEqual(['cleo']);
      // Filters combine.
      expect(threads(await inbox(kim, '?mine=1&unassigned=1'))).toEqual([]);
      expect((await api<InboxCountsResponse>(kim, '/inbox/counts')).body).toMatchObject({ mine: 1, unassigned: 1, lists: { [list.id]: 1 } });
      // Unassigning; an assignee of another org is not found and changes nothing.
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      const stranger = (await directory(await staffToken('eve', {}, other))).me.id;
      expect((await api(lee, `/inbox/${byThread.cleo}/assign`, { body: { to: { kind: 'staff', id: stranger } } })).status).toBe(404);
      expect((await api(lee, `/inbox/${byThread.ana}/assign`, { body: { to: null } })).status).toBe(200);
      expect(threads(await inbox(lee, '?unassigned=1'))).toEqual(['cleo', 'ana']);
    });

    it('closes a conversation for the whole team, and a new patient message re-opens it unread', async () => {
      const lee = await staffToken('lee');
      const kim = await staffToken('kim');
      const ana = await patientWrites('ana', 'question');
      const id = (await entry(lee, 'ana')).id;
      expect((await api(lee, `/inbox/${id}/close`, { body: {} })).status).toBe(200);
      expect(threads(await inbox(kim))).toEqual([]);
      expect(threads(await inbox(kim, '?status=closed'))).toEqual(['ana']);
      ana.send({ type: 'message', id: 'again', thread: 'ana', from: { id: 'ana', name: 'x', role: 'patient' }, text: 'one more thing', at: Date.now(), clock: 5 });
      await ana.waitForCount((f) => f.type === 'ack', 2);
      expect(await entry(kim, 'ana')).toMatchObject({ status: 'open', unread: true, preview: 'one more thing', closedAt: null });
      // Reopen by hand, too.
      await api(lee, `/inbox/${id}/close`, { body: {} });
      await api(lee, `/inbox/${id}/reopen`, { body: {} });
      expect((await entry(kim, 'ana')).status).toBe('open');
    });

    it('mark unread is one staff member\'s own, and reading clears it', async () => {
      const lee = await staffToken('lee');
      await patientWrites('ana', 'hi');
      const id = (await entry(lee, 'ana')).id;
      await api(lee, `/inbox/${id}/unread`, { body: { unread: false } });
      expect((await entry(lee, 'ana')).unread).toBe(false);
      await api(lee, `/inbox/${id}/unread`, { body: { unread: true } });
      expect(await entry(lee, 'ana')).toMatchObject({ unread: true, mark: { markedUnread: true } });
      expect((await entry(await staffToken('kim'), 'ana')).mark.markedUnread).toBe(false);
      await api(lee, `/inbox/${id}/unread`, { body: { unread: false } });
      expect((await entry(lee, 'ana')).unread).toBe(false);
    });

    it('pages with a cursor: every conversation once, in order, and a forged cursor is refused', async () => {
      const lee = await staffToken('lee');
      for (const p of ['p1', 'p2', 'p3', 'p4', 'p5']) await patientWrites(p, `hello from ${p}`);
      const seen: string[] = [];
      let after = '';
      for (;;) {
        const page = await inbox(lee, `?limit=2${after ? `&after=${after}` : ''}`);
        seen.push(...threads(page));
        if (!page.next) break;
        after = page.next;
      }
      expect(seen).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
      expect((await api(lee, '/inbox?after=bm90LWEtY3Vyc29y')).status).toBe(400);
      expect((await api(lee, '/inbox?limit=0')).status).toBe(400);
    });

    it('claims: of 50 concurrent claimers exactly one wins, the others are told who; every other screen hears it within a second', async () => {
      const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => staffToken(`s${i}`)));
      await patientWrites('ana', 'who is handling this?');
      const id = (await entry(tokens[0]!, 'ana')).id;
      const watcher = await connect(await staffToken('watcher'));
      const started = Date.now();
      const results = await Promise.all(tokens.map((t) => api<{ claimed: boolean; by: string }>(t, `/inbox/${id}/claim`, { body: {} })));
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.body.by;
      expect(results.filter((r) => r.status === 409).every((r) => r.body.by === winner && r.body.claimed === false)).toBe(true);
      const frame = await watcher.waitFor((f) => f.type === 'inbox' && f.conversation.claimedBy !== null);
      expect(Date.now() - started).toBeLessThan(5000); // generous: a busy CI machine; the live frame itself is immediate
      expect(frame).toMatchObject({ conversation: { id, claimedBy: winner } });
      // Closing ends the claim; a closed conversation cannot be claimed.
      await api(tokens[0]!, `/inbox/${id}/close`, { body: {} });
      expect((await entry(tokens[1]!, 'ana').catch(() => undefined))?.claimedBy ?? null).toBeNull();
      expect((await api(tokens[1]!, `/inbox/${id}/claim`, { body: {} })).status).toBe(409);
    });

    it('claims under real concurrency in the repository: 50 claimers on each of 1,000 conversations, exactly one winner each', async () => {
      const { db } = hub.ctx;
      const staff = Array.from({ length: 50 }, (_, i) => ({ id: `st_c${i}`, org_id: clinic.org.id, external_id: `c${i}`, name: `C${i}`, role: 'staff' as const, created_at: 1 }));
      await db.insertInto('staff').values(staff).execute();
      const now = Date.now();
      const ids: string[] = [];
      for (let chunk = 0; chunk < 10; chunk++) {
        const patients = Array.from({ length: 100 }, (_, i) => ({ id: `pt_${chunk}_${i}`, org_id: clinic.org.id, external_id: `p${chunk}-${i}`, name: 'P', location_id: null, opted_out_at: null, created_at: now }));
        await db.insertInto('patients').values(patients).execute();
        const conversations = patients.map((p) => ({ id: `cnv_${p.id}`, org_id: clinic.org.id, patient_id: p.id, channel: 'chat', status: 'open' as const, assignee_staff_id: null, assignee_list_id: null, visit: null, last_inbound_at: null, last_outbound_at: null, last_message_at: now, created_at: now, updated_at: now }));
        await db.insertInto('conversations').values(conversations).execute();
        ids.push(...conversations.map((c) => c.id));
      }
      // 50 claimers race on each conversation; 20 conversations at a time keep the pool's queue short.
      const outcomes: Array<{ id: string; staff: string; result: Awaited<ReturnType<typeof claimConversation>> }> = [];
      for (let i = 0; i < ids.length; i += 20) {
        const wave = ids.slice(i, i + 20).flatMap((id) => staff.map(async (s) => ({ id, staff: s.id, result: await claimConversation(db, clinic.org.id, id, s.id) })));
        outcomes.push(...(await Promise.all(wave)));
      }
      const rows = await db.selectFrom('conversations').select(['id', 'claimed_by_staff_id']).where('org_id', '=', clinic.org.id).execute();
      const holder = new Map(rows.map((r) => [r.id, r.claimed_by_staff_id]));
      const winnersPer = new Map<string, number>();
      for (const o of outcomes) {
        if (o.result.ok) {
          winnersPer.set(o.id, (winnersPer.get(o.id) ?? 0) + 1);
          expect(holder.get(o.id)).toBe(o.staff);
        } else {
          expect(o.result).toEqual({ ok: false, claimedBy: holder.get(o.id) });
        }
      }
      expect(winnersPer.size).toBe(1000);
      expect([...winnersPer.values()].every((n) => n === 1)).toBe(true);
    }, 120_000);

    it('notes with @mentions: staff see them live, the mentioned get a Mentions entry they can dismiss', async () => {
      const lee = await staffToken('lee');
      const kim = await staffToken('kim');
      await patientWrites('ana', 'refill please');
      const id = (await entry(lee, 'ana')).id;
      const kimId = (await api<DirectoryResponse>(kim, '/inbox/directory')).body.me.id;
      const kimSocket = await connect(kim);
      const note = await api<{ note: { id: string; mentions: string[] } }>(lee, `/inbox/${id}/notes`, { body: { clientId: 'n1', text: '@Dr kim can you check the dose?', mentions: [{ kind: 'staff', id: kimId }] } });
      expect(note.status).toBe(201);
      expect(note.body.note.mentions).toEqual([kimId]);
      // Sent again (a retry): stored once.
      expect((await api(lee, `/inbox/${id}/notes`, { body: { clientId: 'n1', text: '@Dr kim can you check the dose?', mentions: [{ kind: 'staff', id: kimId }] } })).status).toBe(200);
      await kimSocket.waitFor((f) => f.type === 'note' && f.note.text.includes('dose'));
      await kimSocket.waitFor((f) => f.type === 'inbox-state' && f.mark.mentions === 1);
      expect((await api<{ notes: unknown[] }>(kim, `/inbox/${id}/notes`)).body.notes).toHaveLength(1);
      expect(threads(await inbox(kim, '?mentions=1'))).toEqual(['ana']);
      expect(threads(await inbox(lee, '?mentions=1'))).toEqual([]);
      const mentions = (await api<{ mentions: Array<{ id: string; text: string; thread: string }> }>(kim, '/inbox/mentions')).body.mentions;
      expect(mentions).toMatchObject([{ thread: 'ana', text: '@Dr kim can you check the dose?' }]);
      // Only the mentioned may dismiss their mention.
      expect((await api(lee, `/inbox/mentions/${mentions[0]!.id}/dismiss`, { body: {} })).status).toBe(404);
      expect((await api(kim, `/inbox/mentions/${mentions[0]!.id}/dismiss`, { body: {} })).status).toBe(200);
      expect((await api<{ mentions: unknown[] }>(kim, '/inbox/mentions')).body.mentions).toEqual([]);
      // A mention of someone outside the org is refused and stores nothing.
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      const stranger = (await api<DirectoryResponse>(await staffToken('eve', {}, other), '/inbox/directory')).body.me.id;
      expect((await api(lee, `/inbox/${id}/notes`, { body: { clientId: 'n2', text: 'x', mentions: [{ kind: 'staff', id: stranger }] } })).status).toBe(404);
      expect((await api<{ notes: unknown[] }>(lee, `/inbox/${id}/notes`)).body.notes).toHaveLength(1);
    });

    it('never lets a note or any inbox state reach a patient: socket, REST or inbox routes', async () => {
      const lee = await staffToken('lee');
      const anaToken = await patientToken('ana');
      const ana = await patientWrites('ana', 'hello');
      const id = (await entry(lee, 'ana')).id;
      const secret = 'INTERNAL: possible non-adherence';
      await api(lee, `/inbox/${id}/notes`, { body: { clientId: 'n1', text: secret } });
      await api(lee, `/inbox/${id}/claim`, { body: {} });
      await api(lee, `/inbox/${id}/unread`, { body: { unread: true } });
      // The patient reloads: the resume carries messages only.
      const again = await connect(anaToken);
      await new Promise((r) => setTimeout(r, 200));
      for (const client of [ana, again]) {
        expect(client.frames.some((f: Frame) => ['note', 'inbox', 'inbox-state', 'viewing'].includes(f.type))).toBe(false);
        expect(JSON.stringify(client.frames)).not.toContain(secret);
      }
      const own = await api<{ messages: unknown[] }>(anaToken, `/conversations/${id}/messages`);
      expect(own.status).toBe(200);
      expect(JSON.stringify(own.body)).not.toContain(secret);
      for (const path of ['/inbox', '/inbox/counts', '/inbox/directory', '/inbox/mentions', `/inbox/${id}`, `/inbox/${id}/notes`]) {
        const res = await api(anaToken, path);
        expect(res.status, path).toBe(403);
        expect(JSON.stringify(res.body)).not.toContain(secret);
      }
      expect((await api(anaToken, `/inbox/${id}/notes`, { body: { clientId: 'p1', text: 'let me in' } })).status).toBe(403);
      // A patient's socket may not announce viewing either.
      again.send({ type: 'viewing', conversation: id, active: true });
      await again.waitFor((f) => f.type === 'error' && f.code === 'not-allowed');
      // Nothing about the note's text went into the audit trail.
      const trail = await hub.ctx.db.selectFrom('audit_log').select('detail').execute();
      expect(JSON.stringify(trail)).not.toContain('non-adherence');
    });

    it('keeps each org to itself: another org\'s staff get 404 for every conversation action', async () => {
      const lee = await staffToken('lee');
      await patientWrites('ana', 'private');
      const id = (await entry(lee, 'ana')).id;
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      const eve = await staffToken('eve', {}, other);
      expect(threads(await inbox(eve))).toEqual([]);
      for (const [path, body] of [[`/inbox/${id}`, undefined], [`/inbox/${id}/notes`, undefined], [`/inbox/${id}/claim`, {}], [`/inbox/${id}/close`, {}], [`/inbox/${id}/assign`, { to: null }], [`/inbox/${id}/unread`, { unread: true }], [`/inbox/${id}/notes`, { clientId: 'x', text: 'x' }]] as const) {
        expect((await api(eve, path, body === undefined ? {} : { body })).status, path).toBe(404);
      }
      expect((await entry(lee, 'ana')).claimedBy).toBeNull();
      const eveSocket = await connect(eve);
      eveSocket.send({ type: 'viewing', conversation: id, active: true });
      await eveSocket.waitFor((f) => f.type === 'error' && f.code === 'not-found');
    });

    it('tells the care team who else is viewing a conversation, and when they stop (or their socket closes)', async () => {
      const lee = await staffToken('lee');
      await patientWrites('ana', 'hi');
      const id = (await entry(lee, 'ana')).id;
      const kim = await connect(await staffToken('kim'));
      const leeSocket = await connect(lee);
      leeSocket.send({ type: 'viewing', conversation: id, active: true });
      const seen = await kim.waitFor((f) => f.type === 'viewing' && f.active);
      expect(seen).toMatchObject({ conversation: id, active: true, staff: { name: 'Dr lee' } });
      leeSocket.kill();
      await kim.waitFor((f) => f.type === 'viewing' && !f.active);
    });

    it('searches patient names and message text, open and closed, with highlighted snippets', async () => {
      const lee = await staffToken('lee');
      await patientWrites('ana', 'my left knee is swollen');
      await patientWrites('ben', 'question about billing');
      const ben = (await entry(lee, 'ben')).id;
      await api(lee, `/inbox/${ben}/close`, { body: {} });
      const knee = await inbox(lee, '?q=knee');
      expect(threads(knee)).toEqual(['ana']);
      expect(knee.snippets![knee.conversations[0]!.id]).toContain('«knee»');
      expect(threads(await inbox(lee, '?q=billing&status=closed'))).toEqual(['ben']);
      expect(threads(await inbox(lee, '?q=ANA'))).toEqual(['ana']);
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      expect(threads(await inbox(await staffToken('eve', {}, other), '?q=knee'))).toEqual([]);
    });
  });
});
