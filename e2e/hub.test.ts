// End to end through a real hub: a patient page and a provider page, each in its own browser
// context (nothing joins them but the hub), load the single-file bundle from a vendor-like page
// under a strict CSP and chat over the hub's WebSocket. The patient's socket runs through a
// Playwright WebSocket route that passes frames untouched unless a step holds them (to see
// "Sending…" before the ack). The tests run in order and share the pages: each step starts
// from the state the previous one left.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMessages } from '../hub/db/repositories/messages.js';
import { getPatientByExternalId } from '../hub/db/repositories/people.js';
import { createHub, type Hub } from '../hub/hub.js';
import { createTestOrg, type TestClaims, type TestOrg } from '../hub/testing/tokens.js';
import { launchChromium } from './browser.js';
import {
  badgeOf,
  chatMessage,
  messageBox,
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

const ANA = { sub: 'ana', name: 'Ana Ortiz', role: 'patient', visit: 'v-ana' };
const LEE = { sub: 'dr-lee', name: 'Dr. Lee', role: 'staff' };
const MALLORY = { sub: 'mallory', name: 'Mallory Stray', role: 'patient', visit: 'v-mal' };
const IDENTITIES: Record<string, TestClaims> = { ana: ANA, lee: LEE, mallory: MALLORY };

const ANA_ASKS = 'Hello, my prescription ran out yesterday';
const LEE_REPLIES = 'Hi Ana, I can renew it during your visit';
const ANA_AFTER_RELOAD = 'Thanks! I reloaded and my chat is still here';

const FILES: Record<string, [string, string]> = {
  '/': ['e2e/fixtures/hub-page.html', 'text/html; charset=utf-8'],
  '/hub-page.js': ['e2e/fixtures/hub-page.js', 'text/javascript'],
  '/clinic-chat.bundle.js': ['dist/clinic-chat.bundle.js', 'text/javascript'],
};

/** "Few seconds" from the hub contract: how long a clean page close may take to show as "has left". */
const LEAVE_SHOWN_WITHIN_MS = 5_000;

/**
 * Server→page frames of one page's hub socket, forwarded untouched until `hold()`; then kept
 * back until the test lets them through. Lets a test see "Sending…" before the hub's ack.
 */
class FrameGate {
  private holding = false;
  private held: string[] = [];
  private toPage?: WebSocketRoute;

  route = (page: WebSocketRoute): void => {
    this.toPage = page;
    this.held = [];
    const server = page.connectToServer();
    server.onMessage((message) => {
      const text = typeof message === 'string' ? message : message.toString('utf8');
      if (this.holding) this.held.push(text);
      else page.send(text);
    });
  };

  hold(): void {
    this.holding = true;
  }

  /** The types of the frames held back so far. */
  heldTypes(): string[] {
    return this.held.map((text) => (JSON.parse(text) as { type: string }).type);
  }

  /** Lets the held frames through up to and including the first of `type`; keeps holding the rest. */
  releaseThrough(type: string): void {
    const end = this.heldTypes().indexOf(type);
    if (end < 0) throw new Error(`no ${type} frame is held (held: ${this.heldTypes().join(', ')})`);
    for (const text of this.held.splice(0, end + 1)) this.toPage!.send(text);
  }

  releaseAll(): void {
    this.holding = false;
    for (const text of this.held.splice(0)) this.toPage!.send(text);
  }
}

async function listen(handler: RequestListener): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('a patient and a provider chatting through a real hub', () => {
  let hub: Hub;
  let dataDir: string;
  let org: TestOrg;
  let allowed: { server: Server; origin: string };
  let elsewhere: { server: Server; origin: string };
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let provider: Page;
  let patient: Page;
  const gate = new FrameGate();
  const problems: string[] = [];

  const stored = () => countMessages(hub.ctx.db, org.org.id);
  const chatState = (page: Page) =>
    page.evaluate(() => {
      const state = (document.querySelector('clinic-chat') as HTMLElement & { state?: { connection: string } }).state;
      return state?.connection ?? 'not started';
    });
  const chatErrors = (page: Page) => page.evaluate(() => (window as unknown as { chatErrors: string[] }).chatErrors);
  const deliveryOf = (page: Page, text: string) => textOf(chatMessage(page, text).locator('[part~="delivery"]'));

  /** A page in a fresh browser context: no shared BroadcastChannel, storage or cookies with any other page. */
  async function openAs(who: keyof typeof IDENTITIES, origin = allowed.origin): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    watchProblems(page, problems);
    if (who === 'ana') await page.routeWebSocket(hub.wsUrl, gate.route);
    await page.goto(`${origin}/?who=${who}&hub=${encodeURIComponent(hub.wsUrl)}`);
    return page;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clinic-chat-e2e-hub-'));
    hub = await createHub({ port: 0, dataDir, logLevel: 'silent' });
    const csp = [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' blob:",
      // The hub's WebSocket origin, and nothing else beyond the page's own.
      `connect-src 'self' ${new URL(hub.wsUrl).origin}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    const handler: RequestListener = async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://page.invalid');
      if (url.pathname === '/token') {
        // The vendor's backend: signs a short-lived token for whoever the page is playing.
        const claims = IDENTITIES[url.searchParams.get('who') ?? ''];
        if (!claims) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return void res.end(JSON.stringify({ token: await org.mint(claims, { expiresIn: 600 }) }));
      }
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      const file = FILES[url.pathname];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[1], 'content-security-policy': csp, 'x-content-type-options': 'nosniff' });
      res.end(await readFile(file[0]));
    };
    allowed = await listen(handler);
    elsewhere = await listen(handler);
    org = await createTestOrg(hub.ctx, { name: 'Northside e2e', origin: allowed.origin });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    for (const s of [allowed, elsewhere]) await new Promise((resolve) => s?.server.close(resolve));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('puts a patient who connects into the provider queue, from the hub presence', async () => {
    provider = await openAs('lee');
    await expect.poll(() => chatState(provider), SETTLE).toBe('online');
    patient = await openAs('ana');
    await expect.poll(() => chatState(patient), SETTLE).toBe('online');

    await queueItem(provider, ANA.name).waitFor({ timeout: SETTLE.timeout });
  });

  it('shows the patient her message as Sending… until the hub acknowledges it, and Sent once it is stored', async () => {
    gate.hold();
    await writeAndPressEnter(patient, ANA_ASKS);

    await expect.poll(() => deliveryOf(patient, ANA_ASKS), SETTLE).toBe('Sending…');
    await expect.poll(() => gate.heldTypes().includes('ack'), SETTLE).toBe(true);
    // The hub acks only after the commit: the ack on its way means the row is there.
    expect(await stored()).toBe(1);
    expect(await deliveryOf(patient, ANA_ASKS)).toBe('Sending…');
    gate.releaseThrough('ack');

    await expect.poll(() => deliveryOf(patient, ANA_ASKS), SETTLE).toBe('Sent');
    expect(await stored()).toBe(1);
    gate.releaseAll();
  });

  it('gives the provider a badge and the message, and marks it Delivered for the patient', async () => {
    await expect.poll(() => textOf(badgeOf(queueItem(provider, ANA.name))), SETTLE).toMatch(/^\s*1\b/);
    await expect.poll(() => deliveryOf(patient, ANA_ASKS), SETTLE).toBe('Delivered');

    await queueItem(provider, ANA.name).click();
    await chatMessage(provider, ANA_ASKS).waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => badgeOf(queueItem(provider, ANA.name)).count(), SETTLE).toBe(0);
  });

  it("delivers the provider's reply to the patient and shows her own message as Read", async () => {
    await writeAndClickSend(provider, LEE_REPLIES);

    await chatMessage(patient, LEE_REPLIES).waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => deliveryOf(patient, ANA_ASKS), SETTLE).toBe('Read');
    await expect.poll(() => deliveryOf(provider, LEE_REPLIES), SETTLE).toMatch(/^(Delivered|Read)$/);
    expect(await stored()).toBe(2);

    if (process.env.E2E_SCREENSHOT_DIR) {
      await provider.screenshot({ path: `${process.env.E2E_SCREENSHOT_DIR}/hub-provider.png` });
      await patient.screenshot({ path: `${process.env.E2E_SCREENSHOT_DIR}/hub-patient.png` });
    }
  });

  it('brings the conversation back from the hub when the patient reloads, once each, and carries on', async () => {
    await patient.reload();
    await expect.poll(() => chatState(patient), SETTLE).toBe('online');

    await chatMessage(patient, ANA_ASKS).waitFor({ timeout: SETTLE.timeout });
    await chatMessage(patient, LEE_REPLIES).waitFor({ timeout: SETTLE.timeout });
    expect(await chatMessage(patient, ANA_ASKS).count()).toBe(1);
    expect(await chatMessage(patient, LEE_REPLIES).count()).toBe(1);

    await writeAndPressEnter(patient, ANA_AFTER_RELOAD);
    await chatMessage(provider, ANA_AFTER_RELOAD).waitFor({ timeout: SETTLE.timeout });
    await expect.poll(() => stored(), SETTLE).toBe(3);
    expect(await chatMessage(provider, ANA_ASKS).count()).toBe(1);
  });

  it('leaves nothing in browser storage on the patient page (or the provider page)', async () => {
    expect(await storedState(patient)).toEqual(NOTHING_STORED);
    expect(await storedState(provider)).toEqual(NOTHING_STORED);
  });

  it('tells the provider within seconds that a patient who closed her page has left, and disables sending', async () => {
    const closedAt = Date.now();
    await patient.close({ runBeforeUnload: true });

    await provider.locator('clinic-chat [part~="banner"]').getByText(`${ANA.name} has left`).waitFor({ timeout: LEAVE_SHOWN_WITHIN_MS });
    expect(Date.now() - closedAt).toBeLessThan(LEAVE_SHOWN_WITHIN_MS);
    await expect.poll(() => sendButton(provider).isDisabled(), SETTLE).toBe(true);
  });

  it('refuses a page whose origin the org does not allow: an error event, no queue entry, nothing stored', async () => {
    const before = await stored();
    const outsider = await openAs('mallory', elsewhere.origin);

    await expect.poll(() => chatErrors(outsider), SETTLE).toContain('forbidden');
    expect(await chatState(outsider)).not.toBe('online');

    // The box says so plainly and does not pretend a message could still go.
    await outsider.locator('clinic-chat [part~="banner"]').getByText('not allowed to connect').waitFor();
    await expect.poll(() => messageBox(outsider).isDisabled(), SETTLE).toBe(true);
    // Long enough for a connected page to have appeared in the queue (it takes milliseconds).
    await outsider.waitForTimeout(1_000);
    expect(await queueItem(provider, MALLORY.name).count()).toBe(0);
    expect(await stored()).toBe(before);
    expect(await getPatientByExternalId(hub.ctx.db, org.org.id, MALLORY.sub)).toBeUndefined();
  });

  it('reports no uncaught error, console error or CSP violation on any page', async () => {
    expect(problems).toEqual([]);
    expect(await provider.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  });
});
