// End to end through real page reloads in ephemeral mode: what a patient writes after her
// page reloaded comes after everything before it (waiting room and video visit), and an ended
// chat stays ended when she comes back to it.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/serve.mjs';
import { launchChromium } from './browser.js';
import { chatMessage, messageBox, queueItem, SETTLE, textOf, watchProblems, writeAndClickSend, writeAndPressEnter } from './support.js';

describe('a patient who reloads her page', () => {
  let demo: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  async function openPage(url: string): Promise<Page> {
    const page = await context.newPage();
    watchProblems(page, problems);
    await page.goto(url);
    return page;
  }

  const waitingRoom = (id: string, name: string) => `${demo.url}waiting-room.html?id=${id}&name=${encodeURIComponent(name)}&visit=v-${id}`;
  const shownTexts = (page: Page) => page.locator('clinic-chat [part~="message"] [part~="text"]').allTextContents();

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('in the waiting room: what she sends after the reload comes last for the clinician', async () => {
    const clinician = await openPage(`${demo.url}clinician.html`);
    const ana = await openPage(waitingRoom('ana', 'Ana Ortiz'));
    await writeAndPressEnter(ana, 'first question');
    await queueItem(clinician, 'Ana Ortiz').click();
    await chatMessage(clinician, 'first question').waitFor({ timeout: SETTLE.timeout });
    await writeAndClickSend(clinician, 'clinician answer');
    await chatMessage(ana, 'clinician answer').waitFor({ timeout: SETTLE.timeout });
    await writeAndPressEnter(ana, 'second question');
    await chatMessage(clinician, 'second question').waitFor({ timeout: SETTLE.timeout });

    await ana.reload();
    await writeAndPressEnter(ana, 'third after reload');

    await chatMessage(clinician, 'third after reload').waitFor({ timeout: SETTLE.timeout });
    expect(await shownTexts(clinician)).toEqual(['first question', 'clinician answer', 'second question', 'third after reload']);
  });

  it('in the waiting room: a chat the clinician ended is still ended after she reloads', async () => {
    const clinician = await openPage(`${demo.url}clinician.html`);
    const ben = await openPage(waitingRoom('ben', 'Ben Okafor'));
    await writeAndPressEnter(ben, 'Hello from Ben');
    await queueItem(clinician, 'Ben Okafor').click();
    await chatMessage(clinician, 'Hello from Ben').waitFor({ timeout: SETTLE.timeout });
    await clinician.evaluate(() => (document.querySelector('clinic-chat') as HTMLElement & { end(): void }).end());
    await ben.locator('clinic-chat [part~="banner"]').getByText('This chat has ended.').waitFor({ timeout: SETTLE.timeout });

    await ben.reload();

    await ben.locator('clinic-chat [part~="banner"]').getByText('This chat has ended.').waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => messageBox(ben).isDisabled(), SETTLE).toBe(true);
  });

  it('on the video visit: what she sends after the reload comes last for the clinician', async () => {
    const visit = (side: string) => `${demo.url}video-visit.html?role=${side}&visit=v-order${side === 'patient' ? '&id=ana&name=Ana%20Ortiz' : ''}`;
    const callStatus = (page: Page) => textOf(page.locator('#call-status'));
    const clinician = await openPage(visit('provider'));
    const ana = await openPage(visit('patient'));
    await expect.poll(() => callStatus(ana), SETTLE).toBe('Connected over a peer-to-peer data channel');
    await writeAndPressEnter(ana, 'first question');
    await chatMessage(clinician, 'first question').waitFor({ timeout: SETTLE.timeout });
    await writeAndClickSend(clinician, 'clinician answer');
    await chatMessage(ana, 'clinician answer').waitFor({ timeout: SETTLE.timeout });
    await writeAndPressEnter(ana, 'second question');
    await chatMessage(clinician, 'second question').waitFor({ timeout: SETTLE.timeout });

    await ana.reload();
    // Written at once, before the new call is up: it waits in the outbox and goes when the channel opens.
    await writeAndPressEnter(ana, 'third after reload');

    await chatMessage(clinician, 'third after reload').waitFor({ timeout: SETTLE.timeout });
    expect(await shownTexts(clinician)).toEqual(['first question', 'clinician answer', 'second question', 'third after reload']);
  });

  it('reports no uncaught error on any page', () => {
    expect(problems).toEqual([]);
  });
});
