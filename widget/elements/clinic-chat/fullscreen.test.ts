/// <reference types="mocha" />
// The patient's chat on a 320 × 640 phone screen, in real Chromium: it waits in the launcher,
// opens over the whole viewport with its composer and its ways out in view, and never needs
// the page scrolled. `fullscreen="never"` keeps it in the page.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../define.js';
import { deepActiveElement, deepQuery } from '../../testing/deep-query.js';
import { clickOn } from '../../testing/pointer.js';
import { ClinicChat } from './clinic-chat.js';

let room = 0;

/** A waiting-room page taller than the screen, with the patient's chat at its end. */
async function waitingRoom(attrs: { fullscreen?: 'never' } = {}) {
  const wrapper = await fixture<HTMLDivElement>(html`<div>
    <h1>You're in the queue</h1>
    <div style="height: 900px">A clinician will be with you shortly.</div>
  </div>`);
  const patient = document.createElement('clinic-chat') as ClinicChat;
  patient.chatRole = 'patient';
  patient.room = `fullscreen-${Date.now()}-${room++}`;
  patient.me = { id: 'ana', name: 'Ana' };
  if (attrs.fullscreen) patient.setAttribute('fullscreen', attrs.fullscreen);
  wrapper.append(patient);
  await waitUntil(() => patient.state, 'the chat did not start');
  await patient.updateComplete;
  return patient;
}

const part = (el: ClinicChat, name: string) => deepQuery(el, `[part~="${name}"]`);
const inViewport = (el: Element) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
};

describe('<clinic-chat> patient on a 320 px screen', () => {
  before(() => setViewport({ width: 320, height: 640 }));
  after(() => setViewport({ width: 800, height: 600 }));
  afterEach(() => scrollTo(0, 0));

  it('waits in the launcher, in view at the top of the page', async () => {
    const patient = await waitingRoom();
    expect(patient.state!.box).to.equal('minimized');
    expect(inViewport(part(patient, 'launcher')!), 'the launcher is off screen').to.equal(true);
    expect(part(patient, 'box')!.getClientRects().length, 'the box covers the page before it is opened').to.equal(0);
  });

  it('opens over the whole screen with the composer and Minimize and Close in view, without scrolling the page', async () => {
    const patient = await waitingRoom();

    await clickOn(part(patient, 'launcher')!);
    await waitUntil(() => deepActiveElement()?.getAttribute('part') === 'input', 'focus did not go to the composer');

    expect(scrollY, 'the page scrolled').to.equal(0);
    const box = part(patient, 'box')!.getBoundingClientRect();
    expect([box.left, box.top, box.width, box.height]).to.deep.equal([0, 0, 320, 640]);
    for (const name of ['input', 'send-button', 'minimize-button', 'close-button']) {
      expect(inViewport(part(patient, name)!), `${name} is not in view`).to.equal(true);
    }
    expect(part(patient, 'minimize-button')!.getBoundingClientRect().height).to.be.at.least(44);
    expect(document.documentElement.scrollWidth, 'the page scrolls sideways').to.be.at.most(320);
  });

  it('folds back into the launcher with Minimize, focus on the launcher', async () => {
    const patient = await waitingRoom();
    await clickOn(part(patient, 'launcher')!);
    await waitUntil(() => patient.state!.box === 'open');
    await patient.updateComplete;

    await clickOn(part(patient, 'minimize-button')!);

    await waitUntil(() => part(patient, 'launcher'), 'no launcher after minimize');
    await waitUntil(() => deepActiveElement()?.getAttribute('part') === 'launcher', 'focus did not go to the launcher');
    expect(part(patient, 'box')!.getClientRects().length).to.equal(0);
  });

  it('stays in the page with fullscreen="never": open from the start, below the page\'s content', async () => {
    const patient = await waitingRoom({ fullscreen: 'never' });
    expect(patient.state!.box).to.equal('open');
    const box = part(patient, 'box')!.getBoundingClientRect();
    expect(box.top).to.be.greaterThan(innerHeight);
    expect(box.width).to.be.at.most(320);
  });

  it('is accessible open full screen (axe)', async () => {
    const patient = await waitingRoom();
    await clickOn(part(patient, 'launcher')!);
    await waitUntil(() => patient.state!.box === 'open');
    await patient.updateComplete;
    await expect(patient).to.be.accessible();
  });
});

describe('<clinic-chat> patient on a wide screen', () => {
  it('opens in the page, not over it', async () => {
    const patient = await waitingRoom();
    expect(patient.state!.box).to.equal('open');
    expect(part(patient, 'box')!.getBoundingClientRect().top).to.be.greaterThan(innerHeight);
  });
});
