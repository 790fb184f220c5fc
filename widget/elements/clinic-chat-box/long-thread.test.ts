/// <reference types="mocha" />
// A long thread in <clinic-chat-box>: the DOM holds one page of rows however long the thread,
// "Show earlier messages" reveals a page without moving what the reader sees, a reader at the
// bottom follows new messages and a reader scrolled up is not moved by them.
import { expect, html, nextFrame, waitUntil } from '@open-wc/testing';
import type { ChatCore } from '../../core/chat-core.js';
import { PAGE } from '../../core/message-window.js';
import { themed } from '../../testing/element-fixtures.js';
import { filledThread } from '../../testing/filled-thread.js';
import type { MemoryBus } from '../../testing/memory-bus.js';
import { ClinicChatBox } from './clinic-chat-box.js';

ClinicChatBox.define();

interface LongThread {
  box: ClinicChatBox;
  patient: ChatCore;
  bus: MemoryBus;
  stop(): void;
}

/** A provider's box on Ana's thread of `size` messages, filled through real cores over the in-memory bus. */
async function longThread(size: number): Promise<LongThread> {
  const { bus, provider, patient, stop } = await filledThread(size);
  const thread = () => provider.state.threads.find((t) => t.id === 'ana');
  const box = await themed<ClinicChatBox>(
    html`<clinic-chat-box style="height:400px" .core=${provider} .state=${provider.state} .thread=${thread()}></clinic-chat-box>`,
  );
  const off = provider.subscribe((state) => {
    box.state = state;
    box.thread = thread();
  });
  await box.updateComplete;
  return {
    box,
    patient,
    bus,
    stop() {
      off();
      stop();
    },
  };
}

const rows = (box: ClinicChatBox) => [...box.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message"]')];
const texts = (box: ClinicChatBox) => rows(box).map((r) => r.querySelector('[part="text"]')!.textContent);
const log = (box: ClinicChatBox) => box.shadowRoot!.querySelector<HTMLElement>('[part~="messages"]')!;
const earlierButton = (box: ClinicChatBox) => box.shadowRoot!.querySelector<HTMLButtonElement>('[part~="earlier-button"]');
const fromBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight;

/** Scrolls the log as a reader does (the box sees the scroll event) and waits for the box to settle. */
async function scrollLogTo(box: ClinicChatBox, top: number): Promise<void> {
  log(box).scrollTop = top;
  await waitUntil(() => Math.abs(log(box).scrollTop - Math.min(top, log(box).scrollHeight - log(box).clientHeight)) < 2);
  await nextFrame();
  await box.updateComplete;
}

/** Where a message row sits relative to the log's viewport. */
const offsetInLog = (box: ClinicChatBox, text: string) => {
  const row = rows(box).find((r) => r.querySelector('[part="text"]')!.textContent === text)!;
  return row.getBoundingClientRect().top - log(box).getBoundingClientRect().top;
};

describe('a long thread in <clinic-chat-box>', () => {
  let thread: LongThread | undefined;
  afterEach(() => {
    thread?.stop();
    thread = undefined;
  });

  it('renders one page of rows, the newest, pinned to the bottom, with a control for earlier ones', async () => {
    thread = await longThread(PAGE * 3);
    const { box } = thread;
    expect(rows(box).length).to.equal(PAGE);
    expect(texts(box).at(-1)).to.equal(`message ${PAGE * 3 - 1}`);
    expect(texts(box)[0]).to.equal(`message ${PAGE * 2}`);
    await waitUntil(() => fromBottom(log(box)) < 2, 'the log is not at its newest message');
    expect(earlierButton(box)!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(`Show earlier messages (${PAGE * 2} more)`);
  });

  it('a short thread renders whole, without the control', async () => {
    thread = await longThread(20);
    expect(rows(thread.box).length).to.equal(20);
    expect(earlierButton(thread.box)).to.equal(null);
  });

  it('keeps the DOM at one page while new messages arrive at the bottom, and follows them', async () => {
    thread = await longThread(PAGE + 10);
    const { box, patient, bus } = thread;
    for (let i = 0; i < 5; i++) {
      await patient.send(`new ${i}`);
      bus.flush();
    }
    await waitUntil(() => texts(box).at(-1) === 'new 4');
    await box.updateComplete;
    expect(rows(box).length).to.equal(PAGE);
    expect(fromBottom(log(box))).to.be.below(2);
  });

  it('"Show earlier messages" reveals a page above and what the reader sees does not move', async () => {
    thread = await longThread(PAGE * 2 + 20);
    const { box } = thread;
    await scrollLogTo(box, 0);
    const firstText = texts(box)[0];
    const before = offsetInLog(box, firstText);

    earlierButton(box)!.click();
    await box.updateComplete;

    expect(rows(box).length).to.equal(PAGE * 2);
    expect(texts(box)[0]).to.equal('message 20');
    expect(Math.abs(offsetInLog(box, firstText) - before)).to.be.below(2);
  });

  it('the last reveal takes the control away and leaves focus in the log, not on the page', async () => {
    thread = await longThread(PAGE + 30);
    const { box } = thread;
    await scrollLogTo(box, 0);
    earlierButton(box)!.focus();
    earlierButton(box)!.click();
    await box.updateComplete;

    expect(rows(box).length).to.equal(PAGE + 30);
    expect(earlierButton(box)).to.equal(null);
    expect(box.shadowRoot!.activeElement).to.equal(log(box));
  });

  it('a reader scrolled up is not moved by new messages, and no row above them leaves', async () => {
    thread = await longThread(PAGE + 40);
    const { box, patient, bus } = thread;
    await scrollLogTo(box, 200);
    const reading = texts(box)[10];
    const before = offsetInLog(box, reading);
    const firstBefore = texts(box)[0];

    for (let i = 0; i < 3; i++) {
      await patient.send(`while reading ${i}`);
      bus.flush();
    }
    await waitUntil(() => texts(box).at(-1) === 'while reading 2');
    await box.updateComplete;

    expect(texts(box)[0]).to.equal(firstBefore);
    expect(rows(box).length).to.equal(PAGE + 3);
    expect(Math.abs(offsetInLog(box, reading) - before)).to.be.below(2);
    expect(fromBottom(log(box))).to.be.above(100);
  });

  it('back at the bottom, the revealed pages leave the DOM again', async () => {
    thread = await longThread(PAGE * 3);
    const { box } = thread;
    await scrollLogTo(box, 0);
    earlierButton(box)!.click();
    await box.updateComplete;
    expect(rows(box).length).to.equal(PAGE * 2);

    await scrollLogTo(box, log(box).scrollHeight);
    await waitUntil(() => rows(box).length === PAGE, 'the window did not return to one page');
    expect(fromBottom(log(box))).to.be.below(2);
  });

  it('the first rendered row groups with the message above it, as in the whole thread', async () => {
    thread = await longThread(PAGE + 1);
    const { box } = thread;
    // Messages alternate provider, patient, patient: message 1 starts Ana's run and message 2 continues it.
    const first = rows(box)[0];
    expect(texts(box)[0]).to.equal('message 1');
    expect(first.getAttribute('part')).to.contain('group-first');
    expect(rows(box)[1].getAttribute('part')).not.to.contain('group-first');
    expect(box.shadowRoot!.querySelectorAll('[part="date-separator"]').length).to.equal(0);
  });
});
