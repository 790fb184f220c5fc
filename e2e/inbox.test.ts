// The shared inbox end to end: the demo site in hub mode on a seeded clinic, two staff members
// (Dr. Lee and Nurse Kim) in their own browser contexts and patients in theirs, through one real
// hub (SQLite file, WebSockets, REST). Also the three failures of a care team built from
// presence, which the stored conversation now prevents.
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoClinicPerFile } from './demo-clinic.js';
import { SETTLE } from './support.js';

/** A 1×1 PNG, as a patient's photo. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('the shared inbox with two staff members and patients', () => {
  const clinic = demoClinicPerFile();
  const { page, problems } = clinic;
  const inboxOf = (as: string, width?: number) => page(`inbox.html?hub=1&as=${as}`, width);
  const patientPage = (id: string, name: string, visit = `demo-${id}`) => page(`waiting-room.html?hub=1&id=${id}&name=${encodeURIComponent(name)}&visit=${visit}`);

  const inbox = (p: Page) => p.locator('clinic-chat-inbox');
  const row = (p: Page, name: string): Locator => inbox(p).locator('[part~="conversation"]', { hasText: name });
  const timeline = (p: Page) => inbox(p).locator('[part~="messages"]');
  const header = (p: Page) => inbox(p).locator('[part~="conversation-header"]');
  const patientSays = async (p: Page, text: string) => {
    const box = p.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
    await p.locator('clinic-chat [part~="message"]', { hasText: text }).locator('[part~="delivery"]').filter({ hasNotText: 'Sending' }).waitFor(SETTLE);
  };
  /** The claim's promise: every other screen shows who within a second. */
  const within = { timeout: 1000 };
  /** Other live changes: within a second on a quiet machine; three allowed for a loaded CI runner. */
  const soon = { timeout: 3000 };

  it('opens on the seeded clinic: urgent first, counts per view, axe clean in light and dark', async () => {
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    const names = await inbox(lee).locator('[part~="conversation"] .name').allTextContents();
    expect(names[0]).toBe('Maya Patel');
    expect(names).toHaveLength(10); // twelve patients, two closed
    await expect.poll(() => inbox(lee).getByRole('button', { name: /^My inbox/ }).textContent(), SETTLE).toMatch(/My inbox\s+2/);
    await expect.poll(() => inbox(lee).getByRole('button', { name: /^Mentions/ }).textContent(), SETTLE).toMatch(/Mentions\s+1/);
    await row(lee, 'Maya Patel').click();
    await timeline(lee).getByText('Should I stop using it?').waitFor(SETTLE);
    for (const theme of ['light', 'dark']) {
      await inbox(lee).evaluate((el, t) => el.setAttribute('theme', t), theme);
      const { violations } = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
      expect(violations.map((v) => ({ theme, rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    }
    await lee.context().close();
  });

  it('one claim wins: the colleague sees who within a second, and who is viewing', async () => {
    const lee = await inboxOf('dr-lee');
    const kim = await inboxOf('nurse-kim');
    await row(kim, 'Grace Mensah').click();
    await row(lee, 'Grace Mensah').click();
    await header(kim).getByText('Dr. Lee is viewing this conversation').waitFor(soon);
    await header(lee).getByText('Nurse Kim is viewing this conversation').waitFor(soon);

    await header(lee).getByRole('button', { name: "I'm handling this" }).click();
    await header(lee).getByRole('button', { name: 'Release' }).waitFor(SETTLE);
    await header(kim).getByText('Dr. Lee is handling this conversation.').waitFor(within);
    expect(await header(kim).getByRole('button', { name: "I'm handling this" }).isDisabled()).toBe(true);
    await row(kim, 'Grace Mensah').getByText('Claimed: Dr. Lee').waitFor(within);
    // The claim is in both timelines as an event card, in each reader's words.
    await timeline(lee).locator('[part~="event-claimed"]', { hasText: 'You claimed this' }).waitFor(SETTLE);
    await timeline(kim).locator('[part~="event-claimed"]', { hasText: 'Dr. Lee claimed this' }).waitFor(within);

    // Escape from the conversation (focus is on Release) goes back to the list: no longer viewing.
    await header(lee).getByRole('button', { name: 'Release' }).focus();
    await lee.keyboard.press('Escape');
    await expect.poll(() => header(kim).getByText(/Dr\. Lee is viewing/).count(), { ...soon, interval: 50 }).toBe(0);
    await lee.context().close();
    await kim.context().close();
  });

  it('a note mentions a colleague through the suggestions and never reaches the patient', async () => {
    const maya = await patientPage('maya', 'Maya Patel');
    const lee = await inboxOf('dr-lee');
    const kim = await inboxOf('nurse-kim');
    const mentionsBefore = Number((await inbox(kim).getByRole('button', { name: /^Mentions/ }).textContent())?.replace(/\D/g, '') || 0);
    await row(lee, 'Maya Patel').click();
    await inbox(lee).getByRole('button', { name: 'Internal note' }).click();
    const note = inbox(lee).getByRole('textbox', { name: 'Internal note' });
    await note.pressSequentially('Inhaler reaction? @Nur');
    await inbox(lee).locator('[part~="mention-option"]', { hasText: 'Nurse Kim' }).waitFor(SETTLE);
    await note.press('Enter');
    await note.pressSequentially('please call her.');
    await note.press('Enter');
    await timeline(lee).locator('[part~="note"]', { hasText: 'Inhaler reaction? @Nurse Kim please call her.' }).waitFor(SETTLE);

    await expect.poll(async () => Number((await inbox(kim).getByRole('button', { name: /^Mentions/ }).textContent())?.replace(/\D/g, '') || 0), SETTLE).toBe(mentionsBefore + 1);
    await inbox(kim).getByRole('button', { name: /^Mentions/ }).click();
    await row(kim, 'Maya Patel').click();
    await timeline(kim).locator('[part~="note"]', { hasText: 'please call her' }).waitFor(SETTLE);
    await header(kim).getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(async () => Number((await inbox(kim).getByRole('button', { name: /^Mentions/ }).textContent())?.replace(/\D/g, '') || 0), SETTLE).toBe(mentionsBefore);

    // The patient's page: her messages, never the note (nor any inbox frame).
    await maya.locator('clinic-chat [part~="message"]', { hasText: 'Should I stop using it?' }).waitFor(SETTLE);
    expect(await maya.locator('clinic-chat').evaluate((el) => el.shadowRoot!.innerHTML)).not.toContain('please call her');
    for (const p of [maya, lee, kim]) await p.context().close();
  });

  it('a reply from the inbox reaches the patient; her answer moves the conversation up, new, on both screens', async () => {
    const lena = await patientPage('lena', 'Lena Schmidt');
    const lee = await inboxOf('dr-lee');
    const kim = await inboxOf('nurse-kim');
    await row(lee, 'Lena Schmidt').click();
    const reply = inbox(lee).getByRole('textbox', { name: 'Message' });
    await reply.fill('Thursday at 3 pm works. Shall I book it?');
    await reply.press('Enter');
    await lena.locator('clinic-chat [part~="message"]', { hasText: 'Thursday at 3 pm works' }).waitFor(SETTLE);

    await patientSays(lena, 'Yes please, 3 pm is perfect.');
    await timeline(lee).getByText('Yes please, 3 pm is perfect.').waitFor(soon);
    await row(kim, 'Lena Schmidt').getByText('Yes please, 3 pm is perfect.').waitFor(soon);
    // Urgent stays on top; Lena comes next as the most recent.
    await expect.poll(async () => (await inbox(kim).locator('[part~="conversation"] .name').allTextContents()).slice(0, 2), SETTLE).toEqual(['Maya Patel', 'Lena Schmidt']);
    expect(await row(kim, 'Lena Schmidt').getAttribute('part')).toContain('conversation-unread');
    for (const p of [lena, lee, kim]) await p.context().close();
  });

  it('the name shown to the patient: set for one conversation from the header, it is the name on the reply she gets', async () => {
    const grace = await patientPage('grace', 'Grace Mensah');
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Grace Mensah').click();
    await header(lee).getByText('Name shown to the patient').click();
    const name = header(lee).getByRole('textbox', { name: 'Name' });
    await expect.poll(() => name.inputValue(), SETTLE).toBe('Dr. Lee');
    await name.fill('Dr. Jamie Lee');
    await header(lee).getByRole('radio', { name: 'In this conversation' }).check();
    await header(lee).getByRole('button', { name: 'Save' }).click();
    await header(lee).getByText('sees Dr. Jamie Lee on your messages').waitFor(SETTLE);
    const { violations } = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
    expect(violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    await header(lee).getByText('Name shown to the patient').click();
    const reply = inbox(lee).getByRole('textbox', { name: 'Message' });
    await reply.fill('I will call you in ten minutes.');
    await reply.press('Enter');
    const got = grace.locator('clinic-chat [part~="message"]', { hasText: 'I will call you in ten minutes.' });
    await got.waitFor(SETTLE);
    await expect.poll(() => grace.locator('clinic-chat').getByText('Dr. Jamie Lee').count(), SETTLE).toBeGreaterThan(0);
    await header(lee).getByText('Name shown to the patient').click();
    await header(lee).getByRole('button', { name: 'Use my usual name here' }).click();
    await header(lee).getByText('sees Dr. Lee on your messages').waitFor(SETTLE);
    for (const p of [grace, lee]) await p.context().close();
  });

  it('closing moves it to History for the whole team; Restart conversation brings it back, and so does a new patient message', async () => {
    const tomas = await patientPage('tomas', 'Tomás García');
    const lee = await inboxOf('dr-lee');
    const kim = await inboxOf('nurse-kim');
    await row(lee, 'Tomás García').click();
    await header(lee).getByRole('button', { name: 'Close', exact: true }).click();
    await header(lee).getByRole('button', { name: 'Restart conversation' }).waitFor(SETTLE);
    await expect.poll(() => row(kim, 'Tomás García').count(), { ...soon, interval: 50 }).toBe(0);
    await inbox(kim).getByRole('button', { name: 'History' }).click();
    await row(kim, 'Tomás García').click();
    await header(kim).getByRole('button', { name: 'Restart conversation' }).click();
    await header(lee).getByRole('button', { name: 'Close', exact: true }).waitFor(soon);
    await inbox(kim).getByRole('button', { name: /^All open/ }).click();
    await row(kim, 'Tomás García').waitFor(SETTLE);
    // The conversation in view stays in the list; Kim moves on to another one.
    await row(kim, 'Maya Patel').click();
    await header(lee).getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => row(kim, 'Tomás García').count(), { ...soon, interval: 50 }).toBe(0);

    await patientSays(tomas, 'Sorry, one more thing: is parking free?');
    await row(kim, 'Tomás García').waitFor(soon);
    for (const p of [tomas, lee, kim]) await p.context().close();
  });

  it('an admin puts a colleague in a team from the inbox settings, and his My inbox takes the team conversations live', async () => {
    const sam = await inboxOf('sam-desk');
    const lee = await inboxOf('dr-lee');
    await inbox(lee).getByRole('button', { name: /^My inbox/ }).click();
    await expect.poll(() => row(lee, 'Maya Patel').count(), SETTLE).toBe(0);
    await row(lee, 'Omar Haddad').waitFor(SETTLE);
    expect(await inbox(lee).getByRole('button', { name: 'Settings' }).count()).toBe(0);

    await inbox(sam).getByRole('button', { name: 'Settings' }).click();
    const nurses = inbox(sam).locator('[part~="team"]', { hasText: 'Nurses' });
    await nurses.getByLabel('Dr. Lee').check();
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    await row(lee, 'Grace Mensah').waitFor(SETTLE);

    await nurses.getByLabel('Dr. Lee').uncheck();
    await expect.poll(() => row(lee, 'Maya Patel').count(), SETTLE).toBe(0);
    for (const p of [sam, lee]) await p.context().close();
  });

  it('a role that only reads (the org\'s own trainee role) sees the conversations but no settings, actions or composer; axe clean', async () => {
    const alex = await inboxOf('alex-trainee');
    await row(alex, 'Omar Haddad').click();
    await timeline(alex).getByText('Do I need to change my diet?').waitFor(SETTLE);
    await inbox(alex).getByText('Your role lets you read this conversation, not reply to it.').waitFor(SETTLE);
    expect(await inbox(alex).getByRole('button', { name: 'Settings' }).count()).toBe(0);
    expect(await header(alex).getByRole('button', { name: 'Close', exact: true }).count()).toBe(0);
    expect(await header(alex).getByRole('combobox', { name: 'Assign' }).count()).toBe(0);
    expect(await inbox(alex).locator('[part~="input"]').count()).toBe(0);
    await header(alex).getByRole('button', { name: 'Mark unread' }).waitFor(SETTLE);
    const { violations } = await new AxeBuilder({ page: alex }).include('clinic-chat-inbox').analyze();
    expect(violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    await alex.context().close();
  });

  it('filters by the patient\'s location, My location first, with a count per location', async () => {
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    const picker = inbox(lee).getByLabel('Location');
    const labels = async () => (await picker.locator('option').allTextContents()).map((t) => t.trim());
    await expect.poll(async () => (await labels()).map((t) => t.replace(/\s*\(\d+\)$/, '')), SETTLE).toEqual(['All', 'My location: Downtown clinic', 'Eastside clinic']);
    await picker.selectOption({ label: (await labels()).find((t) => t.startsWith('Eastside'))! });
    // Maya is the first seeded patient (Downtown); Omar the second (Eastside).
    await expect.poll(() => row(lee, 'Maya Patel').count(), SETTLE).toBe(0);
    await row(lee, 'Omar Haddad').waitFor(SETTLE);
    await picker.selectOption({ label: (await labels()).find((t) => t.startsWith('My location'))! });
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    await expect.poll(() => row(lee, 'Omar Haddad').count(), SETTLE).toBe(0);
    await lee.context().close();
  });

  it('keyboard: arrows move through the list, Enter opens and focuses the reply, Escape goes back to the row', async () => {
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    await row(lee, 'Maya Patel').focus();
    await lee.keyboard.press('ArrowDown');
    const focusedName = () => inbox(lee).evaluate((el) => (el.shadowRoot!.activeElement as HTMLElement | null)?.querySelector('.name')?.textContent);
    const second = (await inbox(lee).locator('[part~="conversation"] .name').allTextContents())[1];
    expect(await focusedName()).toBe(second);
    expect(await inbox(lee).locator('[part~="conversation"][tabindex="0"]').count()).toBe(1);
    await lee.keyboard.press('Enter');
    await expect.poll(() => inbox(lee).getByRole('textbox', { name: 'Message' }).evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), SETTLE).toBe(true);
    await lee.keyboard.press('Escape');
    await expect.poll(focusedName, SETTLE).toBe(second);
    await lee.context().close();
  });

  it('at 320 px shows the list, or the conversation with a way back', async () => {
    const lee = await inboxOf('dr-lee', 320);
    await row(lee, 'Maya Patel').click();
    await header(lee).waitFor(SETTLE);
    expect(await inbox(lee).locator('[part~="list-pane"]').isVisible()).toBe(false);
    const overflow = await inbox(lee).evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await header(lee).getByRole('button', { name: 'Back to the inbox' }).click();
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    expect(await inbox(lee).locator('[part~="detail-pane"]').isVisible()).toBe(false);
    await lee.context().close();
  });

  it('a patient who wrote while no staff was connected, left and came back: the inbox shows both messages', async () => {
    const nia = await patientPage('nia', 'Nia Brown', 'v-nia');
    await patientSays(nia, 'First: my repeat prescription please.');
    await nia.context().close();
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Nia Brown').click();
    const nia2 = await patientPage('nia', 'Nia Brown', 'v-nia');
    await patientSays(nia2, 'Second: the pharmacy is the one on Main Street.');
    await timeline(lee).getByText('Second: the pharmacy').waitFor(SETTLE);
    await timeline(lee).getByText('First: my repeat prescription').waitFor(SETTLE);
    for (const p of [nia2, lee]) await p.context().close();
  });

  it('an inbox left open shows the history of a patient who comes back later, not an empty thread', async () => {
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Maya Patel').waitFor(SETTLE);
    const ravi = await patientPage('ravi', 'Ravi Shah', 'v-ravi');
    await patientSays(ravi, 'Hello, is anyone there?');
    await ravi.context().close();
    await row(lee, 'Ravi Shah').waitFor(SETTLE);
    const ravi2 = await patientPage('ravi', 'Ravi Shah', 'v-ravi');
    await patientSays(ravi2, 'I am back.');
    await row(lee, 'Ravi Shah').click();
    await timeline(lee).getByText('Hello, is anyone there?').waitFor(SETTLE);
    await timeline(lee).getByText('I am back.').waitFor(SETTLE);
    for (const p of [ravi2, lee]) await p.context().close();
  });

  it('a patient\'s photo opens full size in the timeline\'s viewer; Escape closes it, not the conversation; axe clean open', async () => {
    const noor = await patientPage('noor', 'Noor Haddad', 'v-noor');
    await noor.locator('clinic-chat input[type=file]').setInputFiles({ name: 'rash.png', mimeType: 'image/png', buffer: PNG });
    await patientSays(noor, 'Here is the rash.');
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Noor Haddad').click();
    const thumb = timeline(lee).getByRole('button', { name: 'Image: rash.png' });
    await thumb.click(SETTLE);
    const viewer = inbox(lee).getByRole('dialog', { name: 'rash.png' });
    await viewer.waitFor(SETTLE);
    for (const theme of ['light', 'dark']) {
      await inbox(lee).evaluate((el, t) => el.setAttribute('theme', t), theme);
      const { violations } = await new AxeBuilder({ page: lee }).include('clinic-chat-inbox').analyze();
      expect(violations.map((v) => ({ theme, rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);
    }
    await lee.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached', ...SETTLE });
    expect(await header(lee).isVisible()).toBe(true);
    await expect.poll(() => thumb.evaluate((el) => el.matches(':focus'))).toBe(true);
    for (const p of [noor, lee]) await p.context().close();
  });

  it('a chat ended by the clinician stays ended across the patient reload, for a fresh staff page too', async () => {
    const zoe = await patientPage('zoe', 'Zoe Clark', 'v-zoe');
    await patientSays(zoe, 'Thanks for the visit.');
    const clinician = await page('clinician.html?hub=1');
    await clinician.getByRole('button', { name: /^Zoe Clark/ }).click();
    await clinician.getByRole('button', { name: 'End chat' }).first().click();
    await clinician.locator('clinic-chat [part~="end-confirm-button"]').click();
    await zoe.locator('clinic-chat [part~="banner"]', { hasText: 'This chat has ended.' }).waitFor(SETTLE);
    await zoe.reload();
    await zoe.locator('clinic-chat [part~="banner"]', { hasText: 'This chat has ended.' }).waitFor(SETTLE);
    expect(await zoe.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    const lee = await inboxOf('dr-lee');
    await row(lee, 'Zoe Clark').getByText('Chat ended').waitFor(SETTLE);
    for (const p of [zoe, clinician, lee]) await p.context().close();
    expect(problems).toEqual([]);
  });
});
