/// <reference types="mocha" />
import { expect, html, waitUntil } from '@open-wc/testing';
import type { ChatCore } from '../../core/chat-core.js';
import { clinic, stopCores, themed } from '../../testing/element-fixtures.js';
import { ClinicChatBox } from './clinic-chat-box.js';

ClinicChatBox.define();

async function providerBox(provider: ChatCore, threadId: string): Promise<ClinicChatBox> {
  const thread = () => provider.state.threads.find((t) => t.id === threadId);
  const el = await themed<ClinicChatBox>(html`<clinic-chat-box .core=${provider} .state=${provider.state} .thread=${thread()}></clinic-chat-box>`);
  provider.subscribe((state) => {
    el.state = state;
    el.thread = thread();
  });
  return el;
}

/** Counts the time formatting calls made while `act` runs (both the slow and the cached path). */
async function timeFormatsDuring(act: () => Promise<void>): Promise<number> {
  let calls = 0;
  const toLocale = Date.prototype.toLocaleTimeString;
  const format = Object.getOwnPropertyDescriptor(Intl.DateTimeFormat.prototype, 'format')!;
  Date.prototype.toLocaleTimeString = function (this: Date, ...args: Parameters<Date['toLocaleTimeString']>) {
    calls++;
    return toLocale.apply(this, args);
  };
  Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', {
    configurable: true,
    get() {
      calls++;
      return format.get!.call(this);
    },
  });
  try {
    await act();
  } finally {
    Date.prototype.toLocaleTimeString = toLocale;
    Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', format);
  }
  return calls;
}

describe('the message log of <clinic-chat-box>', () => {
  afterEach(() => stopCores());

  it('re-renders no unchanged message when the patient starts typing: no time is formatted again', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    for (const text of ['one', 'two', 'three']) await patients.ana.send(text);
    await waitUntil(() => provider.state.threads[0].messages.length === 3);
    const el = await providerBox(provider, 'ana');

    const calls = await timeFormatsDuring(async () => {
      patients.ana.setTyping(true);
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="typing"]')!.textContent === 'ANA is typing…');
      await el.updateComplete;
    });

    expect(calls).to.equal(0);
  });

  it('renders one new row for an incoming message and leaves the earlier rows as they were', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    await patients.ana.send('one');
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    const el = await providerBox(provider, 'ana');
    const first = el.shadowRoot!.querySelector('[part~="message"]');

    const calls = await timeFormatsDuring(async () => {
      await patients.ana.send('two');
      await waitUntil(() => el.shadowRoot!.querySelectorAll('[part~="message"]').length === 2);
      await el.updateComplete;
    });

    expect(el.shadowRoot!.querySelector('[part~="message"]')).to.equal(first);
    expect(calls).to.equal(1);
  });
});
