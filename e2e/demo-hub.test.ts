// The demo site in hub mode (what `npm run start:hub` serves): its pages say that their tokens
// are development tokens, connect through the hub, and get their chat back after a reload.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevOrg, mintDevToken } from '../demo/dev-hub.js';
import { DEV_TOKEN_NOTICE } from '../demo/hub-mode.js';
import { demoPages, startDemo, type DemoServer } from '../demo/serve.mjs';
import { createHub, type Hub } from '../hub/hub.js';
import { launchChromium } from './browser.js';
import { chatMessage, NOTHING_STORED, queueItem, SETTLE, storedState, watchProblems, writeAndPressEnter } from './support.js';

const ANA_ASKS = 'Is the pharmacy open on Sunday?';

describe('the demo site in hub mode', () => {
  let hub: Hub;
  let dataDir: string;
  let demo: DemoServer;
  let browser: Browser;
  const problems: string[] = [];

  /** Each page in its own browser context: only the hub connects them. */
  async function open(label: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    watchProblems(page, problems);
    await page.goto(demoPages(demo.url, { hub: true }).find((p) => p.label === label)!.url);
    return page;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clinic-chat-e2e-demo-hub-'));
    hub = await createHub({ port: 0, dataDir, logLevel: 'silent' });
    demo = await startDemo({ port: 0, hub: { wsUrl: hub.wsUrl, mintToken: mintDevToken } });
    await ensureDevOrg(hub.ctx, new URL(demo.url).origin);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await hub?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('says on every page that its tokens are development tokens, and chats through the hub across a reload', async () => {
    const clinician = await open('Clinician (Dr. Lee)');
    const ana = await open('Waiting room, patient Ana');
    for (const page of [clinician, ana]) await expect.poll(() => page.locator('.dev-notice').textContent(), SETTLE).toBe(DEV_TOKEN_NOTICE);

    await queueItem(clinician, 'Ana Ortiz').waitFor({ timeout: SETTLE.timeout });
    await writeAndPressEnter(ana, ANA_ASKS);
    await queueItem(clinician, 'Ana Ortiz').click();
    await chatMessage(clinician, ANA_ASKS).waitFor({ timeout: SETTLE.timeout });

    await ana.reload();
    await chatMessage(ana, ANA_ASKS).waitFor({ timeout: SETTLE.timeout });
    expect(await chatMessage(ana, ANA_ASKS).count()).toBe(1);
    expect(await storedState(ana)).toEqual(NOTHING_STORED);
    expect(problems).toEqual([]);
  });

  it('refuses a token request that does not say who, and answers nothing but GET', async () => {
    const bad = await fetch(`${demo.url}dev/token?sub=a/b&name=X&role=admin`);
    expect(bad.status).toBe(400);
    expect((await fetch(`${demo.url}dev/token?sub=ana&name=Ana&role=patient`, { method: 'POST' })).status).toBe(405);
  });
});
