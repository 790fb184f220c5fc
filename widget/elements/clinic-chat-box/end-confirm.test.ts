/// <reference types="mocha" />
// "End chat" asks first, with real clicks and keys: one click ends nothing; the inline
// question's "End chat" does; "Keep chatting" and Escape withdraw it.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { ClinicChat } from '../clinic-chat/clinic-chat.js';
import { deepActiveElement, deepQuery } from '../../testing/deep-query.js';
import { clickOn } from '../../testing/pointer.js';
import { providerWithAnaOpen } from '../../testing/clinic-chat-fixtures.js';

let room = 0;
const nextRoom = () => `end-${Date.now()}-${room++}`;

/** A clinician with Ana's chat open, and Ana's own chat, on one fresh room. */
async function openChat() {
  const r = nextRoom();
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
  return providerWithAnaOpen(wrapper, r);
}

const part = (el: ClinicChat, name: string) => deepQuery<HTMLButtonElement>(el, `[part~="${name}"]`);
const focusedPart = () => deepActiveElement()?.getAttribute('part');
const ended = (provider: ClinicChat) => provider.state!.threads[0].ended;

describe('"End chat" in <clinic-chat-box>', () => {
  it('asks "End this chat?" on the first click and ends nothing; the question\'s "End chat" ends it for both sides', async () => {
    const { provider, patient } = await openChat();

    await clickOn(part(provider, 'end-button')!);

    await waitUntil(() => part(provider, 'end-confirm'), 'no question after one click');
    expect(part(provider, 'end-confirm')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('End this chat? End chat Keep chatting');
    expect(part(provider, 'end-button')!.getAttribute('aria-expanded')).to.equal('true');
    expect(focusedPart()).to.equal('end-cancel-button');
    expect(ended(provider)).to.equal(false);
    expect(patient.state!.threads[0].ended).to.equal(false);

    await clickOn(part(provider, 'end-confirm-button')!);

    await waitUntil(() => deepQuery(patient, '[part~="banner"]')?.textContent === 'This chat has ended.', 'the patient was not told');
    expect(ended(provider)).to.equal(true);
    await provider.updateComplete;
    expect(part(provider, 'end-confirm')).to.equal(null);
    expect(part(provider, 'end-button')).to.equal(null);
    expect(focusedPart()).to.equal('messages');
  });

  it('withdraws the question with "Keep chatting", focus back on "End chat", and the chat goes on', async () => {
    const { provider } = await openChat();
    await clickOn(part(provider, 'end-button')!);
    await waitUntil(() => part(provider, 'end-cancel-button'));

    await clickOn(part(provider, 'end-cancel-button')!);

    await waitUntil(() => !part(provider, 'end-confirm'), 'the question stayed');
    expect(focusedPart()).to.equal('end-button');
    expect(part(provider, 'end-button')!.getAttribute('aria-expanded')).to.equal('false');
    expect(ended(provider)).to.equal(false);
    await provider.send('still chatting');
  });

  it('is keyboard reachable: Enter asks, Escape withdraws without minimizing, Shift+Tab and Enter end', async () => {
    const { provider } = await openChat();
    part(provider, 'end-button')!.focus();

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focusedPart() === 'end-cancel-button', 'focus did not move into the question');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(provider, 'end-confirm'), 'Escape did not withdraw the question');
    expect(focusedPart()).to.equal('end-button');
    expect(provider.state!.box).to.equal('open');
    expect(ended(provider)).to.equal(false);

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focusedPart() === 'end-cancel-button');
    await sendKeys({ press: 'Shift+Tab' });
    expect(focusedPart()).to.equal('end-confirm-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => ended(provider), 'the chat did not end');
  });

  it('drops the question when the box folds, so it is not waiting when the box comes back', async () => {
    const { provider } = await openChat();
    await clickOn(part(provider, 'end-button')!);
    await waitUntil(() => part(provider, 'end-confirm'));
    provider.minimize();
    await provider.updateComplete;
    await provider.open('ana');
    await provider.updateComplete;
    expect(part(provider, 'end-confirm')).to.equal(null);
  });

  it('is accessible with the question shown, light and dark (axe)', async () => {
    const { provider } = await openChat();
    await clickOn(part(provider, 'end-button')!);
    await waitUntil(() => part(provider, 'end-confirm'));
    await expect(provider).to.be.accessible();
    provider.theme = 'dark';
    await provider.updateComplete;
    await expect(provider).to.be.accessible();
  });
});
