// A clinician's reload in ephemeral mode erases every thread the page holds (the patients keep
// theirs), so the page asks before it goes — and only then: with no thread that has messages,
// a reload goes ahead without a question. Chromium shows a beforeunload dialog only on a page
// the user has interacted with, so each case clicks in the page first, as a clinician would.
import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/serve.mjs';
import { launchChromium } from './browser.js';
import { chatMessage, queueItem, SETTLE, watchProblems, writeAndPressEnter } from './support.js';

const ANA = { id: 'ana', name: 'Ana Ortiz' };

describe("the clinician's page warns before a reload erases its threads", () => {
  let demo: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    demo = await startDemo({ port: 0, logLevel: 'silent' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function openPage(path: string): Promise<Page> {
    const page = await context.newPage();
    watchProblems(page, problems);
    await page.goto(`${demo.url}${path}`);
    return page;
  }

  /** Reloads from inside the page and reports the dialogs it raised; a beforeunload dialog is dismissed (the clinician stays). */
  async function reload(page: Page): Promise<{ dialogs: string[]; reloaded: boolean }> {
    const dialogs: string[] = [];
    const onDialog = (dialog: Dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    };
    page.on('dialog', onDialog);
    const loaded = page.waitForEvent('load', { timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    await page.evaluate(() => setTimeout(() => location.reload(), 0));
    const reloaded = await loaded;
    page.off('dialog', onDialog);
    return { dialogs, reloaded };
  }

  it('reloads without a question while no thread has messages', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const clinician = await openPage('clinician.html');
    await openPage(`waiting-room.html?id=${ANA.id}&name=${encodeURIComponent(ANA.name)}&visit=v-ana`);
    await queueItem(clinician, ANA.name).click({ timeout: SETTLE.timeout });

    const { dialogs, reloaded } = await reload(clinician);

    expect(dialogs).toEqual([]);
    expect(reloaded).toBe(true);
    await context.close();
  });

  it('asks before a reload when a thread has messages, and keeps the thread when the clinician stays', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const clinician = await openPage('clinician.html');
    const ana = await openPage(`waiting-room.html?id=${ANA.id}&name=${encodeURIComponent(ANA.name)}&visit=v-ana`);
    await writeAndPressEnter(ana, 'Will you see me soon?');
    await queueItem(clinician, ANA.name).click({ timeout: SETTLE.timeout });
    await chatMessage(clinician, 'Will you see me soon?').waitFor({ timeout: SETTLE.timeout });

    const { dialogs, reloaded } = await reload(clinician);

    expect(dialogs).toEqual(['beforeunload']);
    expect(reloaded).toBe(false);
    expect(await chatMessage(clinician, 'Will you see me soon?').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('does not ask on the patient side', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const clinician = await openPage('clinician.html');
    const ana = await openPage(`waiting-room.html?id=${ANA.id}&name=${encodeURIComponent(ANA.name)}&visit=v-ana`);
    await writeAndPressEnter(ana, 'A patient may leave freely');
    await queueItem(clinician, ANA.name).waitFor({ timeout: SETTLE.timeout });
    await chatMessage(ana, 'A patient may leave freely').waitFor();
    await ana.getByRole('textbox', { name: 'Message' }).click();

    const { dialogs, reloaded } = await reload(ana);

    expect(dialogs).toEqual([]);
    expect(reloaded).toBe(true);
    await context.close();
  });
});
