/// <reference types="mocha" />
// The patient's launcher: a minimized chat folds into a small floating button that counts the
// care team's new messages, and brings the box back with focus in the composer.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import { deepActiveElement, deepQuery } from '../../testing/deep-query.js';
import { clickOn } from '../../testing/pointer.js';
import { providerWithAnaOpen } from '../../testing/clinic-chat-fixtures.js';
import { ClinicChat } from './clinic-chat.js';

let room = 0;
const nextRoom = () => `launcher-${Date.now()}-${room++}`;

/** A provider with Ana's chat open, and Ana's own chat below a page taller than the viewport. */
async function visit() {
  const r = nextRoom();
  const wrapper = await fixture<HTMLDivElement>(html`<div><div style="height: 150vh"></div></div>`);
  const { provider, patient } = await providerWithAnaOpen(wrapper, r);
  await patient.updateComplete;
  return { provider, patient };
}

const launcher = (patient: ClinicChat) => deepQuery<HTMLButtonElement>(patient, '[part~="launcher"]');
const launcherBadge = (patient: ClinicChat) => launcher(patient)?.querySelector('[part~="launcher-badge"]')?.textContent?.trim() ?? '';
const inViewport = (el: Element) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
};

describe('<clinic-chat> patient launcher', () => {
  afterEach(() => scrollTo(0, 0));

  it('folds a minimized chat into a floating "Chat" button that stays in view, with focus on it', async () => {
    const { patient } = await visit();
    expect(launcher(patient)).to.equal(null);
    const minimize = deepQuery(patient, '[part~="minimize-button"]')!;
    minimize.scrollIntoView();

    await clickOn(minimize);
    await waitUntil(() => launcher(patient), 'no launcher after minimize');

    const button = launcher(patient)!;
    expect(patient.state!.box).to.equal('minimized');
    expect(button.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Chat');
    // Wherever the page is scrolled to, the launcher is in view.
    for (const y of [0, document.documentElement.scrollHeight]) {
      scrollTo(0, y);
      expect(inViewport(button), `the launcher is off screen at scrollY ${scrollY}`).to.equal(true);
    }
    expect(deepQuery(patient, '[part~="box"]')!.getClientRects().length, 'the box is still shown').to.equal(0);
    expect(deepActiveElement()).to.equal(button);
  });

  it('counts new care-team messages on the launcher, and the box stays folded', async () => {
    const { provider, patient } = await visit();
    patient.minimize();
    await waitUntil(() => launcher(patient));

    await provider.send('How are you feeling?');
    await waitUntil(() => launcherBadge(patient) === '1 new', 'the first message was not counted');
    await provider.send('Any fever?');
    await waitUntil(() => launcherBadge(patient) === '2 new', 'the second message was not counted');

    expect(patient.state!.box).to.equal('minimized');
    expect(launcher(patient)!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Chat, 2 new');
    expect(launcher(patient)!.getAttribute('part')).to.equal('launcher');
  });

  it('restores the box from the launcher with focus in the composer, the draft kept and the count cleared', async () => {
    const { provider, patient } = await visit();
    await patient.open();
    await sendKeys({ type: 'half a thought' });
    patient.minimize();
    await waitUntil(() => launcher(patient));
    await provider.send('Still there?');
    await waitUntil(() => launcherBadge(patient) === '1 new');

    await clickOn(launcher(patient)!);

    await waitUntil(() => deepActiveElement()?.getAttribute('part') === 'input', 'focus did not go to the composer');
    expect(patient.state!.box).to.equal('open');
    expect(launcher(patient)).to.equal(null);
    expect((deepActiveElement() as HTMLTextAreaElement).value).to.equal('half a thought');
    expect(patient.state!.threads[0].unread).to.equal(0);
    expect(deepQuery(patient, '[part~="messages"]')!.textContent).to.contain('Still there?');
  });

  it('is accessible with unread messages waiting (axe)', async () => {
    const { provider, patient } = await visit();
    patient.minimize();
    await provider.send('hello');
    await waitUntil(() => launcherBadge(patient) === '1 new');
    await expect(patient).to.be.accessible();
    patient.theme = 'dark';
    await patient.updateComplete;
    await expect(patient).to.be.accessible();
  });
});
