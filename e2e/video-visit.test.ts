// End to end on the video-visit page: a clinician tab and a patient tab open a WebRTC data
// channel to each other on loopback and the chat travels over it (PortTransport), not over
// the BroadcastChannel that only carries the call's signalling.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/serve.mjs';
import { launchChromium } from './browser.js';
import {
  chatMessage,
  messageBox,
  NOTHING_STORED,
  SETTLE,
  storedState,
  textOf,
  watchProblems,
  writeAndClickSend,
  writeAndPressEnter,
} from './support.js';

declare global {
  interface Window {
    /** Test instrumentation: every string sent on any RTCDataChannel in the page. */
    __dataChannelSends: string[];
    /** Test instrumentation: the name of every BroadcastChannel the page posted to. */
    __broadcastNames: string[];
    /** Test instrumentation: every data channel the page created, newest last. */
    __dataChannels: RTCDataChannel[];
  }
}

const CONNECTED = 'Connected over a peer-to-peer data channel';

describe('the video visit: chat over the call’s RTCDataChannel', () => {
  let demo: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];
  const opened: Page[] = [];

  const visitPage = (visit: string, side: 'provider' | 'patient') =>
    side === 'provider'
      ? `${demo.url}video-visit.html?role=provider&visit=${visit}`
      : `${demo.url}video-visit.html?role=patient&visit=${visit}&id=ana&name=Ana%20Ortiz`;

  async function openPage(url: string): Promise<Page> {
    const page = await context.newPage();
    watchProblems(page, problems);
    opened.push(page);
    await page.goto(url);
    return page;
  }

  const callStatus = (page: Page) => textOf(page.locator('#call-status'));
  const chatFramesOnDataChannel = (page: Page) =>
    page.evaluate(() => window.__dataChannelSends.filter((data) => data.includes('"type":"message"')));

  beforeAll(async () => {
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Watch the wire from inside each page, so the test can tell which path a message took.
    await context.addInitScript(() => {
      window.__dataChannelSends = [];
      window.__broadcastNames = [];
      window.__dataChannels = [];
      const create = RTCPeerConnection.prototype.createDataChannel;
      RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<typeof create>) {
        const channel = create.apply(this, args);
        window.__dataChannels.push(channel);
        return channel;
      };
      const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
      RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
        if (typeof data === 'string') window.__dataChannelSends.push(data);
        send.call(this, data);
      } as RTCDataChannel['send'];
      const post = BroadcastChannel.prototype.postMessage;
      BroadcastChannel.prototype.postMessage = function (this: BroadcastChannel, message: unknown) {
        window.__broadcastNames.push(this.name);
        return post.call(this, message);
      };
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('connects when the patient arrives first, and carries a message each way on the data channel', async () => {
    const patient = await openPage(visitPage('v-patient-first', 'patient'));
    const provider = await openPage(visitPage('v-patient-first', 'provider'));

    await expect.poll(() => callStatus(provider), SETTLE).toBe(CONNECTED);
    await expect.poll(() => callStatus(patient), SETTLE).toBe(CONNECTED);

    await writeAndPressEnter(patient, 'Can you hear me? My microphone is off');
    await chatMessage(provider, 'My microphone is off').waitFor({ timeout: SETTLE.timeout });

    await writeAndClickSend(provider, 'No sound here either, let us type');
    await chatMessage(patient, 'let us type').waitFor({ timeout: SETTLE.timeout });

    expect((await chatFramesOnDataChannel(patient)).some((f) => f.includes('My microphone is off'))).toBe(true);
    expect((await chatFramesOnDataChannel(provider)).some((f) => f.includes('let us type'))).toBe(true);
    for (const page of [patient, provider]) {
      const names = await page.evaluate(() => window.__broadcastNames);
      expect(names.every((name) => name === 'clinic-chat-demo-signal:v-patient-first')).toBe(true);
    }
  });

  it('connects when the clinician is there first', async () => {
    const provider = await openPage(visitPage('v-provider-first', 'provider'));
    await expect.poll(() => callStatus(provider), SETTLE).toBe('Connecting…');
    const patient = await openPage(visitPage('v-provider-first', 'patient'));

    await expect.poll(() => callStatus(provider), SETTLE).toBe(CONNECTED);
    await expect.poll(() => callStatus(patient), SETTLE).toBe(CONNECTED);
    await writeAndPressEnter(patient, 'Hello from the patient');
    await chatMessage(provider, 'Hello from the patient').waitFor({ timeout: SETTLE.timeout });
  });

  it("opens the clinician's chat box on the patient in the call without a click", async () => {
    const provider = await openPage(visitPage('v-auto-open', 'provider'));
    await openPage(visitPage('v-auto-open', 'patient'));

    await expect.poll(() => textOf(provider.locator('clinic-chat [part~="title"]')), SETTLE).toBe('Ana Ortiz');
    await expect(messageBox(provider).isEditable()).resolves.toBe(true);
  });

  it('keeps chatting over a new data channel after the patient reloads the page', async () => {
    const provider = await openPage(visitPage('v-reload', 'provider'));
    const patient = await openPage(visitPage('v-reload', 'patient'));
    await expect.poll(() => callStatus(provider), SETTLE).toBe(CONNECTED);
    await writeAndPressEnter(patient, 'First line before my page reloads');
    await chatMessage(provider, 'First line').waitFor({ timeout: SETTLE.timeout });

    await patient.reload();
    await expect.poll(() => callStatus(provider), SETTLE).toBe(CONNECTED);
    await expect.poll(() => callStatus(patient), SETTLE).toBe(CONNECTED);

    await writeAndClickSend(provider, 'Welcome back, Ana');
    await chatMessage(patient, 'Welcome back').waitFor({ timeout: SETTLE.timeout });
    await writeAndPressEnter(patient, 'Thanks, I am back');
    await chatMessage(provider, 'I am back').waitFor({ timeout: SETTLE.timeout });
  });

  it('delivers a message written while the data channel was down once the call reconnects', async () => {
    const provider = await openPage(visitPage('v-drop', 'provider'));
    const patient = await openPage(visitPage('v-drop', 'patient'));
    await expect.poll(() => callStatus(patient), SETTLE).toBe(CONNECTED);
    await expect.poll(() => textOf(provider.locator('clinic-chat [part~="title"]')), SETTLE).toBe('Ana Ortiz');

    // Drop the channel under both pages (no reload): each page has to build a new call.
    await patient.evaluate(() => window.__dataChannels.at(-1)!.close());
    await writeAndPressEnter(patient, 'Typed while the line was down');

    await chatMessage(provider, 'Typed while the line was down').waitFor({ timeout: SETTLE.timeout });
    expect(await patient.evaluate(() => window.__dataChannels.length)).toBeGreaterThan(1);
    expect(await provider.evaluate(() => window.__dataChannels.length)).toBeGreaterThan(1);
    await writeAndClickSend(provider, 'Got it over the new channel');
    await chatMessage(patient, 'Got it over the new channel').waitFor({ timeout: SETTLE.timeout });
  });

  it('leaves nothing in browser storage on either side of the call', async () => {
    for (const page of opened.filter((p) => !p.isClosed())) {
      expect(await storedState(page)).toEqual(NOTHING_STORED);
    }
  });

  it('reports no uncaught error and no refusal under the strict CSP on any page', () => {
    expect(problems).toEqual([]);
  });
});
