/// <reference types="mocha" />
// Leak tests for <clinic-chat>'s controllers: connecting and disconnecting the element many
// times leaves no listener on window or document, no open channel or socket, no interval and
// no timer that fires later; a session's core, once torn down, reaches nothing of the element.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../define.js';
import type { ChatCore } from '../../core/chat-core.js';
import { watchLeaks, type LeakWatch } from '../../testing/leak-watch.js';
import type { ClinicChat } from '../clinic-chat/clinic-chat.js';
import { threadsWouldBeErased } from './page-lifecycle.js';

const nativeSetTimeout = window.setTimeout.bind(window);
const sleep = (ms: number) => new Promise((resolve) => nativeSetTimeout(resolve, ms));
const CYCLES = 25;
let rooms = 0;
const nextRoom = () => `leak-${Date.now()}-${rooms++}`;

/** A token the widget can read (the hub would verify it; none is reached here). */
const fakeToken = (claims: Record<string, unknown>) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
/** A hub address nothing listens on: the transport connects, fails and would retry. */
const NO_HUB = 'ws://127.0.0.1:9/v1/ws';

const coreOf = (el: ClinicChat) => (el as unknown as { session: { core?: ChatCore } }).session.core;

function chat(props: Partial<ClinicChat>): ClinicChat {
  const el = document.createElement('clinic-chat') as ClinicChat;
  Object.assign(el, props);
  return el;
}

describe('<clinic-chat> controllers leave nothing behind', () => {
  let leaks: LeakWatch;
  afterEach(() => leaks?.restore());

  it('connected and disconnected many times, leaves no listener, channel, interval or late timer', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    leaks = watchLeaks();
    const room = nextRoom();
    for (let i = 0; i < CYCLES; i++) {
      const el = chat({ chatRole: i % 2 ? 'provider' : 'patient', room, me: { id: `p${i}`, name: `P${i}` }, notifications: true });
      wrapper.append(el);
      await el.updateComplete;
      expect(leaks.listeners().length, 'listeners while connected').to.be.greaterThan(0);
      expect(leaks.openChannels()).to.equal(1);
      el.remove();
      await Promise.resolve();
      await el.updateComplete;
    }
    leaks.markDisconnected();
    await sleep(400);
    expect(leaks.listeners()).to.deep.equal([]);
    expect(leaks.openChannels()).to.equal(0);
    expect(leaks.liveIntervals()).to.equal(0);
    expect(leaks.firedAfterDisconnect()).to.equal(0);
  });

  it('keeps the session when a framework moves the element within one task', async () => {
    const [a, b] = [await fixture<HTMLDivElement>(html`<div></div>`), await fixture<HTMLDivElement>(html`<div></div>`)];
    leaks = watchLeaks();
    const el = chat({ room: nextRoom(), me: { id: 'mover', name: 'Mover' } });
    a.append(el);
    await el.updateComplete;
    const core = coreOf(el);
    for (let i = 0; i < CYCLES; i++) (i % 2 ? a : b).append(el);
    await Promise.resolve();
    await el.updateComplete;
    expect(coreOf(el)).to.equal(core);
    expect(leaks.openChannels()).to.equal(1);
    expect(new Set(leaks.listeners()).size).to.equal(leaks.listeners().length);
    el.remove();
  });

  it('drops a hub build whose token arrives after the element was disconnected', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    leaks = watchLeaks();
    let resolveToken!: (token: string) => void;
    const el = chat({ hub: NO_HUB, getToken: () => new Promise<string>((resolve) => (resolveToken = resolve)) });
    wrapper.append(el);
    await waitUntil(() => resolveToken, 'getToken was not called');
    el.remove();
    await Promise.resolve();
    resolveToken(fakeToken({ sub: 'ana', role: 'patient' }));
    await sleep(100);
    expect(coreOf(el)).to.equal(undefined);
    expect(leaks.socketsMade()).to.equal(0);
  });

  it("a torn-down core's events reach neither the page, the live region nor the alerts", async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = chat({ chatRole: 'provider', room: nextRoom(), me: { id: 'dr', name: 'Dr' }, notifications: true });
    wrapper.append(el);
    await el.updateComplete;
    const core = coreOf(el)!;
    el.remove();
    await Promise.resolve();
    const heard: string[] = [];
    for (const name of ['clinic-chat-presence', 'clinic-chat-message']) el.addEventListener(name, () => heard.push(name));
    let audio = 0;
    const NativeAudio = window.AudioContext;
    window.AudioContext = class extends NativeAudio {
      constructor() {
        super();
        audio++;
      }
    };
    try {
      core.events.emit('presence', { thread: 'ana', present: true });
      const from = { id: 'ana', name: 'Ana', role: 'patient' as const };
      core.events.emit('message', { thread: 'ana', message: { id: 'm', thread: 'ana', from, text: 'late', at: 0, clock: 1, mine: false, attachments: [] } });
      await el.updateComplete;
    } finally {
      window.AudioContext = NativeAudio;
    }
    expect(heard).to.deep.equal([]);
    expect(audio).to.equal(0);
    expect(el.shadowRoot!.querySelector('[role="status"]')?.textContent ?? '').to.equal('');
  });
});

describe('the beforeunload warning', () => {
  const state = (role: 'provider' | 'patient', messages: number) =>
    ({
      role,
      threads: [{ id: 'ana', messages: Array.from({ length: messages }, (_, i) => ({ id: `m${i}` })) }],
    }) as unknown as Parameters<typeof threadsWouldBeErased>[0];

  it('is wanted on the provider side in ephemeral mode when a thread has messages, and nowhere else', () => {
    expect(threadsWouldBeErased(state('provider', 1), false)).to.equal(true);
    expect(threadsWouldBeErased(state('provider', 0), false)).to.equal(false);
    expect(threadsWouldBeErased(state('provider', 1), true)).to.equal(false);
    expect(threadsWouldBeErased(state('patient', 1), false)).to.equal(false);
  });

  it('cancels the unload of a clinician page with a thread that has messages', async () => {
    const room = nextRoom();
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const provider = chat({ chatRole: 'provider', room, me: { id: 'dr', name: 'Dr' } });
    const patient = chat({ chatRole: 'patient', room, me: { id: 'ana', name: 'Ana' } });
    wrapper.append(provider, patient);
    const unload = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    await waitUntil(() => provider.state?.threads.length === 1);
    expect(unload(), 'no messages yet').to.equal(false);
    await patient.send('hello');
    await waitUntil(() => provider.state?.threads[0].messages.length === 1);
    expect(unload()).to.equal(true);
    provider.remove();
    patient.remove();
    expect(unload(), 'after the element is gone').to.equal(false);
  });
});
