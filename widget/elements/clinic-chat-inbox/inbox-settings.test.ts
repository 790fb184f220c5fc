// The settings panel's sections in Chromium, rendered from an inbox state: each section only for
// the permission that grants it, the retention form's two answers, the purge's words, the audit
// table with Load more, and axe clean. The panel against a real hub is e2e/inbox-records.test.ts.
import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import type { AuditEntryView } from '../../../protocol/inbox.js';
import { PERMISSIONS, type Permission } from '../../../protocol/permissions.js';
import { EMPTY, type InboxState } from '../../inbox/inbox-state.js';
import { renderSettings, type SettingsActions } from './inbox-settings.js';

const ENTRY: AuditEntryView = { id: 7, at: Date.UTC(2026, 11, 4, 9), actor: { kind: 'staff', id: 'stf_1', name: 'Sam Desk' }, action: 'retention.set', subject: { type: 'org', id: 'org_1' }, detail: { days: 30 } };

function actions() {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const act: SettingsActions = {
    close: record('close'),
    createList: record('createList'),
    deleteList: record('deleteList'),
    setMember: record('setMember'),
    setNotifyUnassigned: record('setNotifyUnassigned'),
    setRetention: record('setRetention'),
    purge: record('purge'),
    moreAudit: record('moreAudit'),
    downloadAudit: record('downloadAudit'),
    setRole: record('setRole'),
    filterAudit: record('filterAudit'),
  };
  return { act, calls };
}

async function panel(state: Partial<InboxState>, permissions: readonly Permission[], act: SettingsActions, purging = false) {
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const full: InboxState = { ...EMPTY, settings: { lists: [], staff: [] }, ...state };
  render(renderSettings(full, (p) => permissions.includes(p), act, { purging }), host);
  return host;
}

describe('the settings panel sections', () => {
  it('shows Retention only with settings.manage and Audit only with audit.view', async () => {
    const { act } = actions();
    const state = { retention: { days: null }, audit: { entries: [ENTRY] } };
    const auditOnly = await panel(state, ['audit.view'], act);
    expect(auditOnly.querySelector('[part~="retention"]')).to.equal(null);
    expect(auditOnly.querySelector('[part~="audit"]')).not.to.equal(null);
    const settingsOnly = await panel(state, ['settings.manage'], act);
    expect(settingsOnly.querySelector('[part~="retention"]')).not.to.equal(null);
    expect(settingsOnly.querySelector('[part~="audit"]')).to.equal(null);
  });

  it('saves "Keep forever" as null and "Delete after" as the days typed', async () => {
    const { act, calls } = actions();
    const host = await panel({ retention: { days: null } }, ['settings.manage'], act);
    const form = host.querySelector<HTMLFormElement>('[part~="retention"] form')!;
    expect(host.querySelector<HTMLInputElement>('input[value="forever"]')!.checked).to.equal(true);
    host.querySelector<HTMLButtonElement>('[part~="retention-save"]')!.click();
    host.querySelector<HTMLInputElement>('input[value="days"]')!.checked = true;
    host.querySelector<HTMLInputElement>('[part~="retention-days"]')!.value = '30';
    form.requestSubmit();
    expect(calls).to.deep.equal([
      ['setRetention', null],
      ['setRetention', 30],
    ]);
  });

  it('shows the roles (settings.manage only), saves what is ticked, and adds a role by name', async () => {
    const { act, calls } = actions();
    const roles = [
      { name: 'admin', permissions: [...PERMISSIONS], defined: false },
      { name: 'trainee', permissions: ['chats.read' as const], defined: true },
    ];
    expect((await panel({ roles }, ['audit.view'], act)).querySelector('[part~="roles"]')).to.equal(null);
    const host = await panel({ roles, me: { id: 'stf_1', role: 'admin', notifyUnassigned: false, permissions: [...PERMISSIONS], displayName: null, location: null } }, ['settings.manage'], act);
    const legends = [...host.querySelectorAll('[part~="role"] legend')].map((l) => l.textContent?.trim());
    expect(legends).to.deep.equal(['admin (your role) (default)', 'trainee']);
    const trainee = host.querySelectorAll<HTMLFormElement>('[part~="role"]')[1]!;
    trainee.querySelector<HTMLInputElement>('input[name="chats.write"]')!.checked = true;
    trainee.querySelector<HTMLButtonElement>('[part~="role-save"]')!.click();
    const add = host.querySelector<HTMLFormElement>('[part~="role-add"]')!;
    add.querySelector<HTMLInputElement>('input[name="role"]')!.value = 'front-desk';
    add.requestSubmit();
    expect(calls).to.deep.equal([
      ['setRole', 'trainee', ['chats.read', 'chats.write']],
      ['setRole', 'front-desk', ['chats.read']],
    ]);
    await expect(host).to.be.accessible();
  });

  it('says what the purge deleted, and asks before purging', async () => {
    const { act, calls } = actions();
    const purged = { days: 30, conversations: 2, messages: 9, attachments: 1, patients: 1 };
    const host = await panel({ retention: { days: 30, purged } }, ['settings.manage'], act, true);
    expect(host.querySelector('[part~="purge-result"]')!.textContent).to.contain('Purged 2 conversations (9 messages, 1 attachment, 1 patient).');
    const button = host.querySelector<HTMLButtonElement>('[part~="purge-button"]')!;
    expect(button.textContent).to.contain('Really purge?');
    button.click();
    expect(calls).to.deep.equal([['purge']]);
  });

  it('lists the audit with who, action and record; Load more only while there is more; Download CSV', async () => {
    const { act, calls } = actions();
    const system: AuditEntryView = { ...ENTRY, id: 6, actor: { kind: 'system', id: 'retention' }, action: 'retention.purge', detail: null };
    const host = await panel({ audit: { entries: [ENTRY, system], next: '6' } }, ['audit.view'], act);
    const cells = [...host.querySelectorAll('[part~="audit-entry"]')].map((row) => [...row.querySelectorAll('td')].slice(1).map((td) => td.textContent!.trim()));
    expect(cells).to.deep.equal([
      ['Sam Desk', 'retention.set', 'org org_1', 'days: 30'],
      ['System (retention)', 'retention.purge', 'org org_1', ''],
    ]);
    host.querySelector<HTMLButtonElement>('[part~="audit-more"]')!.click();
    host.querySelector<HTMLButtonElement>('[part~="audit-download"]')!.click();
    expect(calls).to.deep.equal([['moreAudit'], ['downloadAudit']]);
    const last = await panel({ audit: { entries: [ENTRY] } }, ['audit.view'], act);
    expect(last.querySelector('[part~="audit-more"]')).to.equal(null);
  });

  it('narrows the audit by who, what and the days from and to (the last day whole)', async () => {
    const { act, calls } = actions();
    const staff = [{ id: 'stf_lee', externalId: 'lee', name: 'Dr. Lee' }];
    const host = await panel({ audit: { entries: [ENTRY] }, staff }, ['audit.view'], act);
    const form = host.querySelector<HTMLFormElement>('[part~="audit-filters"]')!;
    form.querySelector<HTMLSelectElement>('select[name="actor"]')!.value = 'stf_lee';
    form.querySelector<HTMLSelectElement>('select[name="action"]')!.value = 'transcript.*';
    form.querySelector<HTMLInputElement>('input[name="from"]')!.value = '2026-12-01';
    form.querySelector<HTMLInputElement>('input[name="to"]')!.value = '2026-12-03';
    form.requestSubmit();
    expect(calls).to.deep.equal([['filterAudit', { actor: 'stf_lee', action: 'transcript.*', from: Date.UTC(2026, 11, 1), to: Date.UTC(2026, 11, 4) }]]);
  });

  it('is accessible with every section shown', async () => {
    const { act } = actions();
    const host = await panel({ retention: { days: 90 }, audit: { entries: [ENTRY], next: '7' } }, ['lists.manage', 'settings.manage', 'audit.view'], act);
    await expect(host).to.be.accessible();
  });
});
