// End to end on the demo site: one clinician tab and two patient tabs in one browser
// context (BroadcastChannel only joins same-origin tabs of one context) chat the way the
// provider-queue baseline describes. The tests run in order and share the three tabs: each
// step starts from the state the previous one left.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/serve.mjs';
import { launchChromium } from './browser.js';
import {
  badgeOf,
  chatMessage,
  messageList,
  NOTHING_STORED,
  queueItem,
  SETTLE,
  sendButton,
  storedState,
  textOf,
  watchProblems,
  writeAndClickSend,
  writeAndPressEnter,
} from './support.js';

const ANA = { id: 'ana', name: 'Ana Ortiz' };
const BEN = { id: 'ben', name: 'Ben Okafor' };
const ANA_ASKS = 'Hello, my prescription ran out yesterday';
const CLINICIAN_REPLIES = 'Hi Ana, I can renew it during your visit';
const BEN_ASKS = 'Is my visit still at three?';

describe('the demo clinic: one clinician, two patients in the waiting room', () => {
  let demo: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let clinician: Page;
  let ana: Page;
  let ben: Page;
  const problems: string[] = [];

  const waitingRoom = (patient: { id: string; name: string }) =>
    `${demo.url}waiting-room.html?id=${patient.id}&name=${encodeURIComponent(patient.name)}&visit=v-${patient.id}`;

  async function openPage(url: string): Promise<Page> {
    const page = await context.newPage();
    watchProblems(page, problems);
    await page.goto(url);
    return page;
  }

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    clinician = await openPage(`${demo.url}clinician.html`);
    ana = await openPage(waitingRoom(ANA));
    ben = await openPage(waitingRoom(BEN));
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('lists both waiting patients in the clinician queue', async () => {
    await queueItem(clinician, ANA.name).waitFor({ timeout: SETTLE.timeout });
    await queueItem(clinician, BEN.name).waitFor({ timeout: SETTLE.timeout });
  });

  it("shows a badge of 1 on a patient's queue entry when she writes", async () => {
    await writeAndPressEnter(ana, ANA_ASKS);

    await expect.poll(() => textOf(badgeOf(queueItem(clinician, ANA.name))), SETTLE).toMatch(/^\s*1\b/);
    expect(await badgeOf(queueItem(clinician, BEN.name)).count()).toBe(0);
  });

  it('delivers the clinician reply and marks the patient message Read once the clinician opened it', async () => {
    await queueItem(clinician, ANA.name).click();
    await chatMessage(clinician, ANA_ASKS).waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => badgeOf(queueItem(clinician, ANA.name)).count(), SETTLE).toBe(0);

    await writeAndClickSend(clinician, CLINICIAN_REPLIES);

    await chatMessage(ana, CLINICIAN_REPLIES).waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => textOf(chatMessage(ana, ANA_ASKS)), SETTLE).toMatch(/\bRead\b/);
  });

  it('keeps the box on the open patient while another patient writes, and counts his badge', async () => {
    await writeAndPressEnter(ben, BEN_ASKS);

    await expect.poll(() => textOf(badgeOf(queueItem(clinician, BEN.name))), SETTLE).toMatch(/^\s*1\b/);
    const shown = await textOf(messageList(clinician));
    expect(shown).toContain(CLINICIAN_REPLIES);
    expect(shown).not.toContain(BEN_ASKS);

    // For a human look at the layout (E2E_SCREENSHOT_DIR=/tmp/shots); never written into the repo by default.
    if (process.env.E2E_SCREENSHOT_DIR) {
      await clinician.screenshot({ path: `${process.env.E2E_SCREENSHOT_DIR}/clinician-two-patients.png` });
    }
  });

  it('has no axe violations in the chat on the clinician and waiting-room pages', async () => {
    for (const page of [clinician, ana, ben]) {
      const { violations } = await new AxeBuilder({ page }).include('clinic-chat').analyze();
      const summary = violations.map((v) => ({ page: page.url(), rule: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
      expect(summary).toEqual([]);
    }
  });

  it('leaves nothing in browser storage on any page after the chat', async () => {
    for (const page of [clinician, ana, ben]) {
      expect(await storedState(page)).toEqual(NOTHING_STORED);
    }
  });

  it('tells the clinician plainly that a patient who closed her tab has left, and disables sending', async () => {
    await ana.close({ runBeforeUnload: true });

    await clinician.locator('clinic-chat').getByText(/\b(left|gone)\b/i).first().waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => sendButton(clinician).isDisabled(), SETTLE).toBe(true);
  });

  it('reports no uncaught error and no refusal under the strict CSP on any page', () => {
    expect(problems).toEqual([]);
  });
});
