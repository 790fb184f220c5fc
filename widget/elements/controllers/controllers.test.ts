/// <reference types="mocha" />
// Leak tests for <clinic-chat>'s controllers: an element connected and disconnected many times
// leaves no listener, channel, socket, interval, audio context or late timer behind.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../define.js';
import { watchLeaks, type LeakWatch } from '../../testing/leak-watch.js';
import type { ClinicChat } from '../clinic-chat/clinic-chat.js';

let rooms = 0;
const nextRoom = () => `leak-${Date.now()}-${rooms++}`;
// Captured before any watch wraps the timers, so the test's own waiting is never counted.
const nativeSetTimeout = window.setTimeout.bind(window);
const wait = (ms: number) => new Promise((resolve) => nativeSetTimeout(resolve, ms));
const settle = () => wait(0);

function chat(room: string, role: 'provider' | 'patient', id: string): ClinicChat {
  const el = document.createElement('clinic-chat') as ClinicChat;
  el.chatRole = role;
  el.room = room;
  el.me = { id, name: id.toUpperCase() };
  el.visit = 'visit-1';
  return el;
}

/** Connects and disconnects `el` `times` times, each time long enough for its session to start. */
async function cycle(wrapper: HTMLElement, el: ClinicChat, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    wrapper.append(el);
    await el.updateComplete;
    await waitUntil(() => el.state !== undefined, 'the session did not start');
    el.remove();
    await settle(); // teardown waits a microtask, so a moved element keeps its chat
  }
}

describe('<clinic-chat> controllers leave nothing behind', () => {
  let leaks: LeakWatch;
  let wrapper: HTMLElement;

  beforeEach(async () => {
    wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    leaks = watchLeaks();
  });

  afterEach(() => leaks.restore());

  it('removes every window and document listener the page lifecycle added, after 20 connects', async () => {
    await cycle(wrapper, chat(nextRoom(), 'provider', 'dr-lee'), 20);

    expect(leaks.listeners()).to.deep.equal([]);
  });

  it('closes the session: no BroadcastChannel open and no heartbeat interval running, after 20 connects', async () => {
    await cycle(wrapper, chat(nextRoom(), 'patient', 'ana'), 20);

    expect(leaks.openChannels()).to.equal(0);
    expect(leaks.liveIntervals()).to.equal(0);
  });

  it('sends nothing once disconnected: a patient who left is not heard again by the care team', async () => {
    const room = nextRoom();
    const provider = chat(room, 'provider', 'dr-lee');
    const patient = chat(room, 'patient', 'ana');
    wrapper.append(provider, patient);
    await waitUntil(() => provider.state?.threads.some((t) => t.present), 'the patient did not join');
    patient.remove();
    await waitUntil(() => provider.state?.threads.every((t) => !t.present), 'the patient did not say goodbye');
    leaks.markDisconnected();
    provider.remove();
    await settle();

    // Any timer of either element that still fires now is a leak.
    await wait(300);
    expect(leaks.firedAfterDisconnect()).to.equal(0);
  });

  it('drops a hub session whose token arrives after it was torn down and a newer one began: no core, no socket', async () => {
    const el = document.createElement('clinic-chat') as ClinicChat;
    const tokenCalls: Array<(token: string) => void> = [];
    el.hub = 'ws://127.0.0.1:9/v1/ws';
    el.getToken = () => new Promise<string>((resolve) => tokenCalls.push(resolve));
    wrapper.append(el);
    await waitUntil(() => tokenCalls.length === 1, 'getToken was not called');
    el.remove();
    await settle();
    wrapper.append(el); // a newer session now waits for its own token
    await waitUntil(() => tokenCalls.length === 2, 'the new session did not ask for a token');

    tokenCalls[0](fakeToken({ sub: 'ana', role: 'patient', name: 'Ana' }));
    await wait(50);

    expect(el.state).to.equal(undefined);
    expect(leaks.socketsMade()).to.equal(0);
    el.remove();
  });

  it('closes the alerts audio context when the element is removed', async () => {
    const made: AudioContext[] = [];
    const closed: AudioContext[] = [];
    const Native = window.AudioContext;
    window.AudioContext = class extends Native {
      constructor(options?: AudioContextOptions) {
        super(options);
        made.push(this);
      }
      override close(): Promise<void> {
        closed.push(this);
        return super.close();
      }
    };
    try {
      const room = nextRoom();
      const provider = chat(room, 'provider', 'dr-lee');
      provider.notifications = true;
      const patient = chat(room, 'patient', 'ana');
      wrapper.append(provider, patient);
      await waitUntil(() => patient.state?.threads[0]?.present, 'the patient did not see the care team');
      await patient.send('Hello');
      await waitUntil(() => made.length === 1, 'no chime was played');

      provider.remove();
      await settle();

      expect(closed).to.deep.equal(made);
    } finally {
      window.AudioContext = Native;
    }
  });

  it('keeps the chat when a framework moves the element within one task', async () => {
    const el = chat(nextRoom(), 'patient', 'ana');
    wrapper.append(el);
    await waitUntil(() => el.state !== undefined, 'the session did not start');
    void el.send('Written before the move');
    const other = document.createElement('div');
    wrapper.append(other);

    other.append(el); // disconnect and connect in the same task
    await settle();

    expect(el.state?.threads[0]?.messages.map((m) => m.text)).to.deep.equal(['Written before the move']);
    expect(leaks.openChannels()).to.equal(1);
  });
});

/** An unsigned token with the given claims: the widget only reads claims; the hub verifies. */
function fakeToken(claims: Record<string, unknown>): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${part({ alg: 'HS256', kid: 'test' })}.${part({ exp: Math.floor(Date.now() / 1000) + 600, ...claims })}.sig`;
}
