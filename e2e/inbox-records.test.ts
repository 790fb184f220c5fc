// The inbox settings' record keeping end to end: the demo site in hub mode on a seeded clinic,
// an admin (Sam, front desk) sets the retention, purges now (a conversation on legal hold
// stays), pages the audit and downloads it as CSV, and lifts the hold from the conversation's
// header; a staff member without the permissions sees none of it. Real hub (SQLite file, REST), real Chromium, axe on the panel.
import { AxeBuilder } from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import type { Hub } from '../hub/hub.js';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEV_ORG } from '../demo/dev-hub.js';
import { audit } from '../hub/db/repositories/audit.js';
import { demoClinicPerFile } from './demo-clinic.js';
import { SETTLE } from './support.js';

const DAY = 24 * 3600 * 1000;

describe('retention and the audit in the inbox settings', () => {
  const clinic = demoClinicPerFile({
    prepare: async (hub: Hub) => {
      // The two seeded closed conversations were closed 100 days ago; one is on legal hold.
      const closed = await hub.ctx.db.selectFrom('conversations').select('id').where('org_id', '=', DEV_ORG.id).where('status', '=', 'closed').orderBy('id').execute();
      expect(closed).toHaveLength(2);
      await hub.ctx.db.updateTable('conversations').set({ closed_at: Date.now() - 100 * DAY }).where('org_id', '=', DEV_ORG.id).where('status', '=', 'closed').execute();
      await hub.ctx.db.updateTable('conversations').set({ legal_hold: 1 }).where('id', '=', closed[0]!.id).execute();
      // Enough history for a second page of the audit, with a cell a spreadsheet would run.
      for (let i = 0; i < 60; i++) await audit(hub.ctx.db, { orgId: DEV_ORG.id, actor: { kind: 'admin-key', id: 'admin' }, action: 'patient.upsert', subject: { type: 'patient', id: i ? `pat_${i}` : '=1+1' } }, Date.now() - DAY + i);
    },
  });
  const { problems } = clinic;
  const inboxOf = (as: string) => clinic.page(`inbox.html?hub=1&as=${as}`, 1280, 900);
  const inbox = (p: Page) => p.locator('clinic-chat-inbox');

  it('an admin sets the retention and purges now: the held conversation stays; the change and the purge are in the audit', async () => {
    const sam = await inboxOf('sam-desk');
    await inbox(sam).getByRole('button', { name: 'Settings' }).click();
    const retention = inbox(sam).locator('[part~="retention"]');
    await retention.waitFor(SETTLE);
    expect(await retention.getByRole('radio', { name: 'Keep forever' }).isChecked()).toBe(true);

    await retention.getByRole('radio', { name: /Delete after/ }).check();
    await retention.getByLabel('Days to keep a closed conversation').fill('30');
    await retention.getByRole('button', { name: 'Save' }).click();
    const auditRows = inbox(sam).locator('[part~="audit-entry"]');
    await auditRows.first().filter({ hasText: 'retention.set' }).waitFor(SETTLE);
    expect(await auditRows.first().textContent()).toContain('days: 30');

    await retention.getByRole('button', { name: 'Purge now' }).click();
    await retention.getByRole('button', { name: /Really purge/ }).click();
    await retention.locator('[part~="purge-result"]', { hasText: 'Purged 1 conversation' }).waitFor(SETTLE);
    await auditRows.first().filter({ hasText: 'retention.purge-now' }).waitFor(SETTLE);
    const left = await clinic.hub.ctx.db.selectFrom('conversations').select(['legal_hold']).where('org_id', '=', DEV_ORG.id).where('status', '=', 'closed').execute();
    expect(left).toEqual([{ legal_hold: 1 }]);
    expect((await clinic.hub.ctx.db.selectFrom('orgs').select('retention_days').where('id', '=', DEV_ORG.id).executeTakeFirstOrThrow()).retention_days).toBe(30);

    for (const theme of ['light', 'dark']) {
      await inbox(sam).evaluate((el, t) => el.setAttribute('theme', t), theme);
      const { violations } = await new AxeBuilder({ page: sam }).include('clinic-chat-inbox').analyze();
      expect(violations.map((v) => ({ theme, rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    }
    await sam.context().close();
  });

  it('the audit shows the latest 50 with Load more, and downloads as CSV with formula cells guarded', async () => {
    const sam = await inboxOf('sam-desk');
    await inbox(sam).getByRole('button', { name: 'Settings' }).click();
    const section = inbox(sam).locator('[part~="audit"]');
    const rows = section.locator('[part~="audit-entry"]');
    await expect.poll(() => rows.count(), SETTLE).toBe(50);
    await section.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count(), SETTLE).toBeGreaterThan(50);
    expect(await section.getByRole('columnheader').allTextContents()).toEqual(['Time', 'Who', 'Action', 'Record', 'Detail']);

    const [download] = await Promise.all([sam.waitForEvent('download'), section.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^audit-${DEV_ORG.id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('id,time,actor_kind,actor_id,actor_name,action,subject_type,subject_id,detail');
    expect(lines.some((l) => l.includes(",patient,'=1+1,"))).toBe(true);
    expect(lines.some((l) => l.includes(',=1+1'))).toBe(false);
    await sam.context().close();
  });

  it('an admin takes the held conversation off legal hold from its header (axe clean with the toggle)', async () => {
    const sam = await inboxOf('sam-desk');
    await inbox(sam).locator('[part~="conversation"]').first().waitFor(SETTLE);
    await inbox(sam).getByRole('button', { name: /^History/ }).click();
    // The purge left one closed conversation: the held one.
    await expect.poll(() => inbox(sam).locator('[part~="conversation"]').count(), SETTLE).toBe(1);
    await inbox(sam).locator('[part~="conversation"]').first().click();
    const hold = inbox(sam).locator('[part~="conversation-header"]').getByRole('button', { name: 'Legal hold' });
    await expect.poll(() => hold.getAttribute('aria-pressed'), SETTLE).toBe('true');
    const { violations } = await new AxeBuilder({ page: sam }).include('clinic-chat-inbox').analyze();
    expect(violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    await hold.click();
    await expect.poll(() => hold.getAttribute('aria-pressed'), SETTLE).toBe('false');
    const rows = await clinic.hub.ctx.db.selectFrom('conversations').select('legal_hold').where('org_id', '=', DEV_ORG.id).where('status', '=', 'closed').execute();
    expect(rows).toEqual([{ legal_hold: 0 }]);
    await sam.context().close();
  });

  it('a staff member without settings.manage or audit.view has no Settings at all', async () => {
    const lee = await inboxOf('dr-lee');
    await inbox(lee).locator('[part~="conversation"]').first().waitFor(SETTLE);
    expect(await inbox(lee).getByRole('button', { name: 'Settings' }).count()).toBe(0);
    await inbox(lee).locator('[part~="conversation"]').first().click();
    await inbox(lee).locator('[part~="conversation-header"]').waitFor(SETTLE);
    expect(await inbox(lee).getByRole('button', { name: 'Legal hold' }).count()).toBe(0);
    await lee.context().close();
    expect(problems).toEqual([]);
  });
});
