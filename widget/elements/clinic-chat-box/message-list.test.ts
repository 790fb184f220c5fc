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

describe('the look of the message log of <clinic-chat-box>', () => {
  afterEach(() => stopCores());

  const rows = (el: ClinicChatBox) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message"]')];
  const part = (row: Element, name: string) => row.querySelector(`[part~="${name}"]`)?.textContent ?? null;

  it('groups consecutive messages of one author: name and avatar once, time on the last', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    for (const text of ['one', 'two', 'three']) await patients.ana.send(text);
    await waitUntil(() => provider.state.threads[0].messages.length === 3);
    await provider.send('reply');
    const el = await providerBox(provider, 'ana');
    await el.updateComplete;

    const r = rows(el);
    expect(r.map((row) => part(row, 'author'))).to.deep.equal(['ANA', null, null, null]);
    expect(r.map((row) => part(row, 'avatar'))).to.deep.equal(['A', null, null, null]);
    expect(r.map((row) => row.querySelector('[part~="time"]') !== null)).to.deep.equal([false, false, true, true]);
  });

  it('places staff-only notes among the messages by time, and a note ends an author group', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    await patients.ana.send('one');
    await new Promise((r) => setTimeout(r, 20));
    await patients.ana.send('two');
    await waitUntil(() => provider.state.threads[0].messages.length === 2);
    const [first, second] = provider.state.threads[0].messages;
    const el = await providerBox(provider, 'ana');
    const note = (id: string, at: number, text: string) => ({ id, conversation: 'c', clientId: id, author: { id: 's', name: 'Nurse Kim' }, text, at, mentions: [] });
    el.notes = [note('n0', first.at - 1, 'before'), note('n1', first.at + 1, 'between'), note('n2', second.at + 1, 'after')];
    await el.updateComplete;

    const order = [...el.shadowRoot!.querySelectorAll('[part~="message"] [part="text"], [part~="note"] [part="text"]')].map((n) => n.textContent);
    expect(order).to.deep.equal(['before', 'one', 'between', 'two', 'after']);
    expect(el.shadowRoot!.querySelector('[part~="note"] .note-label')!.textContent).to.equal('Internal note · Nurse Kim');
    // Both of Ana's messages start a group: the note between them ends the first.
    expect(rows(el).map((r) => r.getAttribute('part')!.includes('group-first'))).to.deep.equal([true, true]);
  });

  it('places timeline events as compact cards among messages and notes, with their words, detail and a safe link', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    await patients.ana.send('one');
    await new Promise((r) => setTimeout(r, 20));
    await patients.ana.send('two');
    await waitUntil(() => provider.state.threads[0].messages.length === 2);
    const [first, second] = provider.state.threads[0].messages;
    const el = await providerBox(provider, 'ana');
    const lee = { kind: 'staff' as const, id: 'stf_lee', name: 'Dr Lee' };
    el.notes = [{ id: 'n1', conversation: 'c', clientId: 'n1', author: { id: 'stf_kim', name: 'Nurse Kim' }, text: 'a note', at: first.at + 2, mentions: [] }];
    el.events = [
      { id: 'e1', conversation: 'c', kind: 'claimed', at: first.at + 1, by: lee },
      { id: 'e2', conversation: 'c', kind: 'call', at: second.at + 1, by: { kind: 'vendor', name: 'Clinic' }, call: { outcome: 'Left a voicemail', durationSec: 95, recordingUrl: 'https://vendor.example/rec/1' } },
    ];
    el.readerId = 'stf_lee';
    await el.updateComplete;

    const order = [...el.shadowRoot!.querySelectorAll('[part~="message"] [part="text"], [part~="note"] [part="text"], [part~="event-text"]')].map((n) => n.textContent);
    expect(order).to.deep.equal(['one', 'You claimed this', 'a note', 'two', 'Call · Left a voicemail']);
    const call = el.shadowRoot!.querySelector('[part~="event-call"]')!;
    expect(call.querySelector('[part="event-detail"]')!.textContent).to.equal('1 min 35 s');
    const link = call.querySelector<HTMLAnchorElement>('[part="event-link"]')!;
    expect(link.href).to.equal('https://vendor.example/rec/1');
    expect(link.rel).to.equal('noopener noreferrer');
    // An event ends an author group, as a note does.
    expect(rows(el).map((r) => r.getAttribute('part')!.includes('group-first'))).to.deep.equal([true, true]);
    await expect(el).to.be.accessible();
  });

  it('shows a status without a time as the status alone, with no separator dot before it', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    for (const text of ['one', 'two']) await provider.send(text);
    await waitUntil(() => provider.state.threads[0].messages.every((m) => m.status === 'read'));
    const el = await providerBox(provider, 'ana');
    await el.updateComplete;

    const metas = rows(el).map((row) => row.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ').trim());
    expect(metas[0]).to.equal('Read');
    expect(metas[1]).to.match(/^\d{1,2}:\d{2}\s?[AP]M · Read$/);
    expect(patients.ana.state.threads[0].messages.length).to.equal(2);
  });

  it('puts a "Today" separator above the first message of the day, once', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    for (const text of ['one', 'two']) await patients.ana.send(text);
    await waitUntil(() => provider.state.threads[0].messages.length === 2);
    const el = await providerBox(provider, 'ana');

    const separators = [...el.shadowRoot!.querySelectorAll('[part~="date-separator"]')].map((s) => s.textContent);
    expect(separators).to.deep.equal(['Today']);
  });

  it('makes http and https links clickable, opening safely in a new tab', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    await patients.ana.send('see https://example.org/a?b=1, or http://clinic.test.');
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    const el = await providerBox(provider, 'ana');

    const links = [...el.shadowRoot!.querySelectorAll<HTMLAnchorElement>('[part~="link"]')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.org/a?b=1', 'http://clinic.test']);
    expect(links.map((a) => [a.target, a.rel])).to.deep.equal([
      ['_blank', 'noopener noreferrer'],
      ['_blank', 'noopener noreferrer'],
    ]);
    expect(part(rows(el)[0], 'text')).to.equal('see https://example.org/a?b=1, or http://clinic.test.');
  });

  it('keeps javascript: and data: URLs and HTML in a message as plain text', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const text = 'javascript:alert(1) data:text/html,<b>x</b> <img src=x onerror="window.pwned=1">';
    await patients.ana.send(text);
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    const el = await providerBox(provider, 'ana');

    const body = rows(el)[0].querySelector('[part~="text"]')!;
    expect(body.querySelectorAll('a, img, b').length).to.equal(0);
    expect(body.textContent).to.equal(text);
    expect((window as { pwned?: number }).pwned).to.equal(undefined);
  });
});
