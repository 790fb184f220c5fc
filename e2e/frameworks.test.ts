// <clinic-chat> rendered by the real frameworks the README shows (React 19 and Vue 3): a
// re-render hands the element a new `me` object and a new `getToken` function, as those
// frameworks do, and the chat must carry on — messages still shown, the session and its
// transport not rebuilt. The pages are built with Vite from e2e/fixtures/frameworks.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../hub/hub.js';
import { createTestOrg, type TestOrg } from '../hub/testing/tokens.js';
import { launchChromium } from './browser.js';
import { chatMessage, queueItem, SETTLE, textOf, watchProblems, writeAndPressEnter } from './support.js';

const FIXTURES = 'e2e/fixtures/frameworks';
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json' };
const RE_RENDERS = 5;

let outDir: string;
let dataDir: string;
let server: Server;
let origin: string;
let hub: Hub;
let org: TestOrg;
let browser: Browser;
let room = 0;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'clinic-chat-frameworks-'));
  await build({
    root: FIXTURES,
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      rolldownOptions: { input: { react: join(FIXTURES, 'react.html'), vue: join(FIXTURES, 'vue.html') } },
    },
  });
  dataDir = await mkdtemp(join(tmpdir(), 'clinic-chat-frameworks-hub-'));
  hub = await createHub({ port: 0, dataDir, logLevel: 'silent' });
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://page.invalid');
    if (url.pathname === '/token') {
      // The vendor's backend: a fresh token on every call.
      const token = await org.mint({ sub: 'ana', name: 'Ana Ortiz', role: 'patient', visit: 'v-ana' }, { expiresIn: 600 });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return void res.end(JSON.stringify({ token }));
    }
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const path = normalize(url.pathname).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(outDir, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  org = await createTestOrg(hub.ctx, { name: 'Frameworks e2e', origin });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await new Promise((resolve) => server?.close(resolve));
  await rm(outDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

const opened = (page: Page) => page.evaluate(() => (window as unknown as { opened: { broadcastChannels: number; webSockets: number } }).opened);
const rerender = (page: Page) => page.evaluate(() => (window as unknown as { rerender: () => unknown }).rerender());
const renderCount = (page: Page) => page.locator('clinic-chat').first().getAttribute('data-render');

async function openPage(framework: string, query: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchProblems(page, problems);
  await page.goto(`${origin}/${framework}.html?${query}`);
  return page;
}

describe.each(['react', 'vue'])('<clinic-chat> rendered by %s', (framework) => {
  it('keeps the conversation and its channel through re-renders that pass a new `me` and a new `getToken`', async () => {
    const problems: string[] = [];
    const page = await openPage(framework, `mode=local&room=${framework}-${room++}`, problems);
    const clinician = page.locator('clinic-chat[chat-role="provider"]');
    const patient = page.locator('clinic-chat[chat-role="patient"]');
    await queueItem(page, 'Ana Ortiz').waitFor({ timeout: SETTLE.timeout });
    await patient.getByRole('textbox', { name: 'Message' }).fill('Before the re-render');
    await patient.getByRole('textbox', { name: 'Message' }).press('Enter');
    await queueItem(page, 'Ana Ortiz').click();
    await clinician.getByRole('textbox', { name: 'Message' }).fill('A reply before it');
    await clinician.getByRole('textbox', { name: 'Message' }).press('Enter');
    await chatMessage(page, 'A reply before it').nth(1).waitFor({ timeout: SETTLE.timeout });
    const before = await opened(page);
    expect(before.broadcastChannels).toBe(2);

    for (let i = 0; i < RE_RENDERS; i++) await rerender(page);

    expect(await renderCount(page)).toBe(String(RE_RENDERS));
    for (const text of ['Before the re-render', 'A reply before it']) {
      expect(await clinician.locator('[part~="message"]').filter({ hasText: text }).count()).toBe(1);
      expect(await patient.locator('[part~="message"]').filter({ hasText: text }).count()).toBe(1);
    }
    expect(await opened(page)).toEqual(before);
    // And the chat still works both ways after them.
    await patient.getByRole('textbox', { name: 'Message' }).fill('After the re-render');
    await patient.getByRole('textbox', { name: 'Message' }).press('Enter');
    await expect.poll(() => textOf(clinician.locator('[part~="message"]').filter({ hasText: 'After the re-render' })), SETTLE).toContain('After the re-render');
    expect(await page.evaluate(() => (window as unknown as { chatMessages: number }).chatMessages)).toBeGreaterThanOrEqual(3);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('keeps its hub session through re-renders that pass a new `getToken`: no new socket', async () => {
    const problems: string[] = [];
    const page = await openPage(framework, `mode=hub&who=ana&hub=${encodeURIComponent(hub.wsUrl)}`, problems);
    const state = () => page.evaluate(() => (document.querySelector('clinic-chat') as HTMLElement & { state?: { connection: string } }).state?.connection);
    await expect.poll(state, SETTLE).toBe('online');
    await writeAndPressEnter(page, `Through the hub in ${framework}`);
    await expect.poll(() => textOf(chatMessage(page, `Through the hub in ${framework}`).locator('[part~="delivery"]')), SETTLE).toBe('Sent');
    expect((await opened(page)).webSockets).toBe(1);

    for (let i = 0; i < RE_RENDERS; i++) await rerender(page);

    expect(await renderCount(page)).toBe(String(RE_RENDERS));
    expect(await chatMessage(page, `Through the hub in ${framework}`).count()).toBe(1);
    expect(await state()).toBe('online');
    expect((await opened(page)).webSockets).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});
