// The audit viewer (GET /v1/inbox/audit) through a real hub on SQLite and PostgreSQL: newest
// first in keyset pages, filters, only the caller's org, the CSV download with its quoting and
// formula guard, and every read of the audit audited in turn.
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryView, AuditPageResponse, DirectoryResponse } from '../../protocol/inbox.js';
import { audit, auditTrail } from '../db/repositories/audit.js';
import type { Hub } from '../hub.js';
import { eachDialect } from '../testing/databases.js';
import { inboxHubPerTest } from '../testing/inbox-hub.js';
import { createTestOrg, type TestOrg } from '../testing/tokens.js';

eachDialect((databases) => {
  const t = inboxHubPerTest(databases);
  let hub: Hub;
  let clinic: TestOrg;
  beforeEach(() => {
    hub = t.hub;
    clinic = t.clinic;
  });

  const token = (sub: string, role: 'staff' | 'admin' | 'patient', org = clinic) => org.mint({ sub, name: `Person ${sub}`, role });
  const api = <T = any>(bearer: string, path: string) => t.api<T>(bearer, path);
  const idOf = async (bearer: string) => (await api<DirectoryResponse>(bearer, '/inbox/directory')).body.me.id;
  const raw = (bearer: string, path: string) => fetch(`${hub.url}/v1${path}`, { headers: { Authorization: `Bearer ${bearer}` } });

  /** `n` audit rows in the org, one a second from `from`, actions cycling through `actions`. */
  async function seed(org: TestOrg, n: number, from: number, actorId: string, actions = ['conversation.claim', 'notes.read', 'list.create']) {
    for (let i = 0; i < n; i++) {
      await audit(hub.ctx.db, { orgId: org.org.id, actor: { kind: 'staff', id: actorId }, action: actions[i % actions.length]!, subject: { type: 'conversation', id: `cnv_${i}` }, detail: { i } }, from + i * 1000);
    }
  }

  describe('the audit viewer', () => {
    it('pages newest first with a keyset cursor, every row once, with the staff name of a staff actor', async () => {
      const sam = await token('sam', 'admin');
      const samId = await idOf(sam);
      await seed(clinic, 7, 1_000_000, samId);
      await audit(hub.ctx.db, { orgId: clinic.org.id, actor: { kind: 'system', id: 'retention' }, action: 'retention.purge', subject: { type: 'org', id: clinic.org.id } }, 2_000_000);
      const seen: AuditEntryView[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await api<AuditPageResponse>(sam, `/inbox/audit?limit=3&to=3000000${before ? `&before=${before}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.entries);
        before = page.body.next;
        if (!before) break;
      }
      expect(seen.map((e) => e.at)).toEqual([2_000_000, 1_006_000, 1_005_000, 1_004_000, 1_003_000, 1_002_000, 1_001_000, 1_000_000]);
      expect(new Set(seen.map((e) => e.id)).size).toBe(8);
      expect(seen[0]).toMatchObject({ actor: { kind: 'system', id: 'retention' }, action: 'retention.purge', subject: { type: 'org', id: clinic.org.id }, detail: null });
      expect(seen[0]!.actor.name).toBeUndefined();
      expect(seen[1]).toMatchObject({ actor: { kind: 'staff', id: samId, name: 'Person sam' }, action: 'conversation.claim', subject: { type: 'conversation', id: 'cnv_6' }, detail: { i: 6 } });
    });

    it('filters by time range, actor and action (exact or a family ending in .*); bad queries are 400 invalid', async () => {
      const sam = await token('sam', 'admin');
      const samId = await idOf(sam);
      const lee = await token('lee', 'staff');
      const leeId = await idOf(lee);
      await seed(clinic, 6, 1_000_000, samId);
      await seed(clinic, 3, 1_000_500, leeId, ['retention.set', 'retention.purge-now']);
      const ats = async (query: string) => (await api<AuditPageResponse>(sam, `/inbox/audit?${query}`)).body.entries.map((e) => `${e.actor.id === samId ? 'sam' : 'lee'}:${e.action}@${e.at}`);
      expect(await ats('from=1002000&to=1004000')).toEqual(['lee:retention.set@1002500', 'sam:conversation.claim@1003000', 'sam:list.create@1002000']);
      expect(await ats(`actor=${leeId}&to=2000000`)).toEqual(['lee:retention.set@1002500', 'lee:retention.purge-now@1001500', 'lee:retention.set@1000500']);
      expect(await ats('action=notes.read&to=2000000')).toEqual(['sam:notes.read@1004000', 'sam:notes.read@1001000']);
      expect(await ats('action=retention.*&to=2000000')).toHaveLength(3);
      expect(await ats(`action=retention.*&actor=${samId}`)).toEqual([]);
      for (const bad of ['limit=0', 'limit=201', 'from=yesterday', 'before=abc', 'action=a%25', 'action=list_create', 'format=xml']) {
        const res = await api(sam, `/inbox/audit?${bad}`);
        expect([bad, res.status, res.body.error.code]).toEqual([bad, 400, 'invalid']);
      }
    });

    it('shows only the caller\'s org: another org\'s rows never appear, whatever the filters or cursor', async () => {
      const sam = await token('sam', 'admin');
      const other = await createTestOrg(hub.ctx, { name: 'Other' });
      const eve = await token('eve', 'admin', other);
      const eveId = await idOf(eve);
      await seed(other, 5, 1_000_000, eveId);
      await seed(clinic, 2, 1_000_000, await idOf(sam));
      const mine = (await api<AuditPageResponse>(sam, '/inbox/audit?limit=200')).body.entries;
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => !(e.actor.id === eveId) && e.subject.id !== other.org.id)).toBe(true);
      expect((await api<AuditPageResponse>(sam, `/inbox/audit?actor=${eveId}`)).body.entries).toEqual([]);
      const theirIds = (await auditTrail(hub.ctx.db, other.org.id)).map((e) => e.id);
      const fromTheirTop = await api<AuditPageResponse>(sam, `/inbox/audit?before=${Math.max(...theirIds) + 1}&limit=200`);
      expect(fromTheirTop.body.entries.some((e) => theirIds.includes(e.id))).toBe(false);
    });

    it('refuses staff without audit.view and patients (403)', async () => {
      expect((await api(await token('lee', 'staff'), '/inbox/audit')).status).toBe(403);
      expect((await api(await token('ana', 'patient'), '/inbox/audit')).status).toBe(403);
      expect((await raw(await token('lee', 'staff'), '/inbox/audit?format=csv')).status).toBe(403);
    });

    it('downloads CSV: an attachment named after the org and day, RFC 4180 quoting, formula cells prefixed with a quote mark', async () => {
      const sam = await token('sam', 'admin');
      const samId = await idOf(sam);
      await audit(hub.ctx.db, { orgId: clinic.org.id, actor: { kind: 'staff', id: samId }, action: 'list.create', subject: { type: 'list', id: '=HYPERLINK("http://x")' }, detail: { name: 'a,"b"' } }, Date.UTC(2026, 11, 1, 8));
      await audit(hub.ctx.db, { orgId: clinic.org.id, actor: { kind: 'admin-key', id: '@admin' }, action: 'key.add', subject: { type: 'key', id: '-1+2' } }, Date.UTC(2026, 11, 1, 9));
      const res = await raw(sam, `/inbox/audit?format=csv&to=${Date.UTC(2026, 11, 2)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="audit-${clinic.org.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${new Date().toISOString().slice(0, 10)}.csv"`);
      expect((await res.text()).split('\r\n')).toEqual([
        'id,time,actor_kind,actor_id,actor_name,action,subject_type,subject_id,detail',
        expect.stringMatching(/^\d+,2026-12-01T09:00:00\.000Z,admin-key,'@admin,,key\.add,key,'-1\+2,$/),
        expect.stringMatching(new RegExp(`^\\d+,2026-12-01T08:00:00\\.000Z,staff,${samId},Person sam,list\\.create,list,"'=HYPERLINK\\(""http://x""\\)","\\{""name"":""a,\\\\""b\\\\""""\\}"$`)),
        '',
      ]);
    });

    it('audits every read of the audit: audit.read for a page, audit.export for a CSV, with the count', async () => {
      const sam = await token('sam', 'admin');
      const samId = await idOf(sam);
      await seed(clinic, 3, 1_000_000, samId);
      await api(sam, '/inbox/audit?limit=2&to=2000000');
      await (await raw(sam, '/inbox/audit?format=csv&to=2000000')).text();
      const trail = await auditTrail(hub.ctx.db, clinic.org.id);
      const reads = trail.filter((e) => e.action === 'audit.read' || e.action === 'audit.export');
      expect(reads.map((e) => [e.action, e.actor_kind, e.actor_id, e.subject_type, e.subject_id, JSON.parse(e.detail!)])).toEqual([
        ['audit.export', 'staff', samId, 'org', clinic.org.id, { count: 3 }],
        ['audit.read', 'staff', samId, 'org', clinic.org.id, { count: 2 }],
      ]);
      // The viewer shows its own reads too.
      expect((await api<AuditPageResponse>(sam, '/inbox/audit?action=audit.*')).body.entries.map((e) => e.action)).toEqual(['audit.export', 'audit.read']);
    });
  });
});
