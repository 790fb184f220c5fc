// The inbox's record keeping end to end, on the seeded demo clinic through one real hub (SQLite
// file, WebSockets, REST) and real Chromium pages: a staff member starts a conversation with a
// new patient, the patient answers, a note, close, and the patient writing again re-opens it;
// and a family's shared phone, its primary and merging a duplicate record.
import { AxeBuilder } from '@axe-core/playwright';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../hub/testing/smtp-sink.js';
import { demoClinicPerFile } from './demo-clinic.js';
import { SETTLE } from './support.js';

describe('records in the inbox: new conversations, shared contacts, merge', () => {
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await startSmtpSink();
  });
  afterAll(() => smtp?.close());
  const { page, problems } = demoClinicPerFile({ hub: () => ({ smtp: { url: smtp.url, from: 'Northside records <records@northside.example>' } }) });
  const inboxOf = (as: string) => page(`inbox.html?hub=1&as=${as}`);
  const patientPage = (id: string, name: string) => page(`waiting-room.html?hub=1&id=${id}&name=${encodeURIComponent(name)}&visit=demo-${id}`);
  const inbox = (p: Page) => p.locator('clinic-chat-inbox');
  const row = (p: Page, name: string) => inbox(p).locator('[part~="conversation"]', { hasText: name });
  const header = (p: Page) => inbox(p).locator('[part~="conversation-header"]');
  const timeline = (p: Page) => inbox(p).locator('[part~="messages"]');
  const soon = { timeout: 3000 };

  it('staff start a conversation with a new patient; she answers; a note; the transcript printed, saved and emailed as it closes; her next message re-opens it', async () => {
    const lee = await inboxOf('dr-lee');
    await inbox(lee).getByRole('button', { name: 'New chat' }).click();
    const search = inbox(lee).getByRole('searchbox', { name: 'Find a patient' });
    await expect.poll(() => search.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), SETTLE).toBe(true);
    await search.fill('Nadia');
    await inbox(lee).getByText('No patient matches “Nadia”.').waitFor(SETTLE);
    for (const theme of ['light', 'dark']) {
      await inbox(lee).evaluate((el, t) => el.setAttribute('theme', t), theme);
      const { violations } = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
      expect(violations.map((v) => ({ theme, rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    }
    const form = inbox(lee).locator('[part~="new-patient"]');
    await form.getByRole('textbox', { name: 'Name' }).fill('Nadia Haddad');
    await form.getByRole('textbox', { name: 'Phone' }).fill('+1 555 0100 7777');
    await form.getByRole('textbox', { name: /Patient ID/ }).fill('nadia');
    await form.getByRole('button', { name: 'Add and start a chat' }).click();
    await header(lee).getByText('New conversation: it starts with your first message').waitFor(SETTLE);
    // Nothing exists until the first message.
    expect(await row(lee, 'Nadia Haddad').count()).toBe(0);
    const reply = inbox(lee).getByRole('textbox', { name: 'Message' });
    await reply.fill('Hello Nadia, this is the clinic about your lab results.');
    await reply.press('Enter');
    await row(lee, 'Nadia Haddad').waitFor(SETTLE);
    await header(lee).getByRole('button', { name: 'Close', exact: true }).waitFor(SETTLE);

    const nadia = await patientPage('nadia', 'Nadia Haddad');
    await nadia.locator('clinic-chat [part~="message"]', { hasText: 'about your lab results' }).waitFor(SETTLE);
    const box = nadia.getByRole('textbox', { name: 'Message' });
    await box.fill('Thanks! What did they show?');
    await box.press('Enter');
    await timeline(lee).getByText('Thanks! What did they show?').waitFor(soon);

    await inbox(lee).getByRole('button', { name: 'Internal note' }).click();
    const note = inbox(lee).getByRole('textbox', { name: 'Internal note' });
    await note.fill('Ferritin low; discuss iron at the visit.');
    await note.press('Enter');
    await timeline(lee).locator('[part~="note"]', { hasText: 'Ferritin low' }).waitFor(SETTLE);

    // The transcript for the record: the printable page in a new tab, a text file, then mailed as the conversation ends.
    await header(lee).getByText('Transcript', { exact: true }).click();
    const opened = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
    expect(opened.violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    const [printable] = await Promise.all([lee.context().waitForEvent('page'), header(lee).getByRole('button', { name: 'Printable page' }).click()]);
    await printable.getByText('Thanks! What did they show?').waitFor(SETTLE);
    expect(await printable.locator('body').innerText()).toContain('Nadia Haddad');
    expect(await printable.content()).not.toContain('Ferritin');
    // Styled under the inbox page's strict CSP (style-src 'self'), by the adopted style sheet.
    expect(await printable.locator('dl.meta').evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    // Kept for a person to look at: the page as Chromium prints it.
    await printable.emulateMedia({ media: 'print' });
    await printable.screenshot({ path: join(tmpdir(), 'clinic-chat-printable-transcript.png'), fullPage: true });
    await printable.close();
    const [download] = await Promise.all([lee.waitForEvent('download'), header(lee).getByRole('button', { name: 'Text file' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^transcript-cnv_.*\.txt$/);
    await header(lee).getByRole('textbox', { name: 'Email it to' }).fill('records@nadia.example');
    await header(lee).getByRole('button', { name: 'End conversation and email transcript' }).click();
    await header(lee).getByRole('button', { name: 'Restart conversation' }).waitFor(SETTLE);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.text).toContain('Hello Nadia, this is the clinic about your lab results.');
    expect(mail.text).toContain('Thanks! What did they show?');
    expect(mail.text).not.toContain('Ferritin');
    expect(mail.attachments.map((a) => a.contentType)).toContain('application/fhir+json');
    await box.fill('One more question about the iron tablets.');
    await box.press('Enter');
    await header(lee).getByRole('button', { name: 'Close', exact: true }).waitFor(soon);
    await timeline(lee).getByText('One more question about the iron tablets.').waitFor(soon);
    expect(await nadia.locator('clinic-chat').evaluate((el) => el.shadowRoot!.innerHTML)).not.toContain('Ferritin');

    // Found again by phone, New chat opens her conversation instead of starting another.
    await inbox(lee).getByRole('button', { name: 'New chat' }).click();
    await inbox(lee).getByRole('searchbox', { name: 'Find a patient' }).fill('0100 7777');
    await inbox(lee).getByRole('button', { name: 'Open the conversation with Nadia Haddad' }).click();
    await timeline(lee).getByText('One more question about the iron tablets.').waitFor(SETTLE);
    for (const p of [lee, nadia]) await p.context().close();
  });

  it('opting a patient out: asked first, permanent, in the header and the timeline; a reply is Not sent: opted out; her messages and notes still go', async () => {
    const ivan = await patientPage('ivan', 'Ivan Petrov');
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Ivan Petrov').click();
    await header(lee).getByText('Opt out of messages').click();
    await header(lee).getByRole('button', { name: 'Opt out permanently' }).click();
    await header(lee).locator('[part~="opted-out"]').waitFor(SETTLE);
    await timeline(lee).locator('[part~="event-opted-out"]').waitFor(soon);
    const { violations } = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
    expect(violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);

    const reply = inbox(lee).getByRole('textbox', { name: 'Message' });
    await reply.fill('Your prescription is renewed.');
    await reply.press('Enter');
    await timeline(lee).locator('[part~="message"]', { hasText: 'Your prescription is renewed.' }).getByText('Not sent: opted out').waitFor(SETTLE);
    const box = ivan.getByRole('textbox', { name: 'Message' });
    await box.fill('Did anyone see my question?');
    await box.press('Enter');
    await timeline(lee).getByText('Did anyone see my question?').waitFor(soon);
    await inbox(lee).getByRole('button', { name: 'Internal note' }).click();
    const note = inbox(lee).getByRole('textbox', { name: 'Internal note' });
    await note.fill('Opted out: call him instead.');
    await note.press('Enter');
    await timeline(lee).locator('[part~="note"]', { hasText: 'call him instead' }).waitFor(SETTLE);
    expect(await ivan.locator('clinic-chat').evaluate((el) => el.shadowRoot!.innerHTML)).not.toContain('prescription is renewed');
    for (const p of [lee, ivan]) await p.context().close();
  });

  it('a family phone: "+1 other patient", the primary starred and changed, and a duplicate merged into the record', async () => {
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Lucas Martin').click();
    const contact = header(lee).getByText('+1 other patient on +1 555 0100 2233');
    await contact.waitFor(SETTLE);
    await contact.click();
    const people = header(lee).locator('[part~="contact-patients"]');
    await people.locator('[part~="contact-primary"]', { hasText: 'Lucas Martin' }).waitFor(SETTLE);
    await people.getByRole('button', { name: 'Make primary' }).click();
    await people.locator('[part~="contact-primary"]', { hasText: 'Léa Martin' }).waitFor(SETTLE);
    const { violations } = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
    expect(violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);

    await people.getByText('Same person: merge here').click();
    await people.getByRole('button', { name: 'Merge Léa Martin into Lucas Martin' }).click();
    await expect.poll(() => header(lee).locator('[part~="contact"]').count(), SETTLE).toBe(0);
    await timeline(lee).locator('[part~="event-merged"]', { hasText: 'Léa Martin' }).waitFor(soon);
    await lee.context().close();
    expect(problems).toEqual([]);
  });
});
