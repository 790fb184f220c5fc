/// <reference types="mocha" />
// Long names and unbroken words in real Chromium: nothing scrolls sideways, names end in an
// ellipsis with the full name as a tooltip, and bidi controls never reorder what is shown.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import { deepQuery, deepQueryAll } from '../../testing/deep-query.js';
import { pdfFile } from '../../testing/element-fixtures.js';
import { ClinicChat } from './clinic-chat.js';
import { addClinicChat } from '../../testing/clinic-chat-fixtures.js';

let room = 0;
const nextRoom = () => `long-${Date.now()}-${room++}`;

/** 120 characters without a space: the worst a name can do to a line. */
const LONG_NAME = 'Maximiliana'.repeat(11).slice(0, 119) + 'Z';
/** The care team member's name, also at the 120-character limit. */
const LONG_STAFF_NAME = `Dr ${LONG_NAME}`.slice(0, 120);
const LONG_URL = `https://example.com/${'path/'.repeat(56)}`.slice(0, 300);
const LONG_WORD = 'a'.repeat(300);

async function chat(container: HTMLElement, role: 'provider' | 'patient', id: string, name: string, r: string) {
  return addClinicChat(container, r, role, id, name);
}

/** A provider (420 px: the stacked layout) and a patient (320 px), both with 120-character names. */
async function longNamedPair() {
  const r = nextRoom();
  const wrapper = await fixture<HTMLDivElement>(html`<div><div style="width: 420px"></div><div style="width: 320px"></div></div>`);
  const [left, right] = wrapper.children as unknown as HTMLElement[];
  const provider = await chat(left, 'provider', 'dr-lee', LONG_STAFF_NAME, r);
  const patient = await chat(right, 'patient', 'ana', LONG_NAME, r);
  await waitUntil(() => provider.state?.threads.length === 1, 'the patient did not join the queue');
  await waitUntil(() => patient.state?.threads[0].present, 'the patient did not see the provider');
  return { provider, patient };
}

function expectNoSidewaysScroll(el: ClinicChat, ...parts: string[]) {
  for (const part of parts) {
    const node = deepQuery(el, `[part~="${part}"]`);
    expect(node, part).to.exist;
    expect(node!.scrollWidth, `${part} scrolls sideways`).to.be.at.most(node!.clientWidth);
  }
  expect(el.scrollWidth, 'the element scrolls sideways').to.be.at.most(el.clientWidth);
}

describe('<clinic-chat> with long content', () => {
  it('wraps a 300-character URL and an unbroken word, and truncates 120-character names, without sideways scrolling', async () => {
    const { provider, patient } = await longNamedPair();
    await provider.open('ana');
    await patient.send(`see ${LONG_URL}`);
    await patient.send(LONG_WORD, [pdfFile(`${'scan'.repeat(30)}.pdf`)]);
    await provider.send(LONG_WORD);
    await waitUntil(() => patient.state!.threads[0].messages.length === 3);
    await waitUntil(() => deepQuery(provider, 'a[part~="attachment"]'), 'the attachment did not arrive');
    // The patient types: the care team's typing line carries her long name.
    await patient.open();
    await sendKeys({ type: 'typing' });
    await waitUntil(() => provider.state!.threads[0].typing.length === 1, 'the typing line did not appear');
    await provider.updateComplete;
    await patient.updateComplete;

    expectNoSidewaysScroll(provider, 'layout', 'box', 'header', 'messages', 'queue', 'queue-item');
    expectNoSidewaysScroll(patient, 'box', 'header', 'messages');
    // The typing line clips its overflow (so its own scrollWidth is the sentence's): it must sit inside the box.
    const typing = deepQuery(provider, '[part~="typing"]')!.getBoundingClientRect();
    expect(typing.right).to.be.at.most(deepQuery(provider, '[part~="box"]')!.getBoundingClientRect().right);
    for (const bubble of deepQueryAll(provider, '.bubble')) expect(bubble.scrollWidth).to.be.at.most(bubble.clientWidth);
  });

  it('wraps the banner that says a patient with a 120-character name has left', async () => {
    const { provider, patient } = await longNamedPair();
    await provider.open('ana');
    patient.remove();
    await waitUntil(() => deepQuery(provider, '[part~="banner"]'), 'the provider did not see the patient leave');
    await provider.updateComplete;
    expect(deepQuery(provider, '[part~="banner"]')!.textContent).to.equal(`${LONG_NAME} has left. You can no longer send messages.`);
    expectNoSidewaysScroll(provider, 'box', 'banner');
  });

  it('ends a long name with an ellipsis and shows it in full as a tooltip, in the header, the log and the typing line', async () => {
    const { provider, patient } = await longNamedPair();
    await provider.open('ana');
    await patient.send('hello');
    await provider.send('hi');
    await waitUntil(() => patient.state!.threads[0].messages.length === 2);
    await patient.open();
    await sendKeys({ type: 'typing' });
    await waitUntil(() => provider.state!.threads[0].typing.length === 1);
    await provider.updateComplete;

    const title = deepQuery(provider, '[part~="title"]')!;
    const author = deepQuery(provider, '[part~="author"]')!;
    const typing = deepQuery(provider, '[part~="typing"]')!;
    expect(title.title).to.equal(LONG_NAME);
    expect(author.title).to.equal(LONG_NAME);
    expect(typing.title).to.equal(`${LONG_NAME} is typing…`);
    for (const el of [title, author, typing]) {
      expect(getComputedStyle(el).textOverflow).to.equal('ellipsis');
      expect(el.getBoundingClientRect().right).to.be.at.most(provider.getBoundingClientRect().right);
    }
    expect(deepQuery(patient, '[part~="author"]')!.title).to.equal(LONG_STAFF_NAME);
    expect(deepQuery(provider, '[part~="queue-item"] .name')!.title).to.equal(LONG_NAME);
  });

  it('keeps the launcher compact under a long heading', async () => {
    const { patient } = await longNamedPair();
    patient.heading = `Chat with ${LONG_NAME} and the rest of the care team at the clinic`;
    patient.minimize();
    await patient.updateComplete;
    const launcher = deepQuery(patient, '[part~="launcher"]')!;
    expect(launcher.getBoundingClientRect().width).to.be.at.most(240);
    expect(launcher.getBoundingClientRect().height).to.be.at.most(64);
    expect(launcher.scrollWidth).to.be.at.most(launcher.clientWidth);
  });

  it('shows names and file names without bidi controls, so "invoice\\u202Egnp.exe" never reads as "invoiceexe.png"', async () => {
    const r = nextRoom();
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const provider = await chat(wrapper, 'provider', 'dr-lee', 'Dr Lee', r);
    const patient = await chat(wrapper, 'patient', 'eve', 'Eve\u202Enimda', r);
    await waitUntil(() => provider.state?.threads.length === 1);
    await waitUntil(() => patient.state?.threads[0].present);
    await patient.send('my invoice', [pdfFile('invoice\u202Egnp.exe')]);
    await provider.open('eve');
    await waitUntil(() => deepQuery(provider, 'a[part~="attachment"]'), 'the attachment did not arrive');
    await provider.updateComplete;

    const attachment = deepQuery(provider, 'a[part~="attachment"]')!;
    expect(attachment.textContent).to.contain('invoicegnp.exe');
    expect(deepQuery(provider, '[part~="attachment-download"]')!.getAttribute('download')).to.equal('invoicegnp.exe');
    const shown = [
      deepQuery(provider, '[part~="title"]')!,
      deepQuery(provider, '[part~="author"]')!,
      deepQuery(provider, '[part~="box"]')!,
      deepQuery(provider, '[part~="queue-item"]')!,
      deepQuery(provider, '[part~="queue-item"] .name')!,
      attachment,
    ];
    for (const el of shown) {
      expect(el.textContent).not.to.match(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
      expect(el.getAttribute('aria-label') ?? '').not.to.match(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
      expect(el.title).not.to.match(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
    }
    expect(deepQuery(provider, '[part~="title"]')!.textContent).to.equal('Evenimda');
  });
});
