/// <reference types="mocha" />
// The inner elements act by calling the core; <clinic-chat> follows the core to move focus.
import { expect, fixture, html, nextFrame, waitUntil } from '@open-wc/testing';
import '../../define.js';
import type { ClinicChat } from './clinic-chat.js';

let rooms = 0;

async function clinic(patientIds: string[]) {
  const room = `inner-actions-${Date.now()}-${rooms++}`;
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  const make = (role: 'provider' | 'patient', id: string) => {
    const el = document.createElement('clinic-chat') as ClinicChat;
    Object.assign(el, { chatRole: role, room, me: { id, name: id.toUpperCase() }, visit: 'visit-1' });
    wrapper.append(el);
    return el;
  };
  const provider = make('provider', 'dr-lee');
  const patients = Object.fromEntries(patientIds.map((id) => [id, make('patient', id)]));
  await waitUntil(() => provider.state?.threads.length === patientIds.length, 'the patients did not join the queue');
  await waitUntil(() => Object.values(patients).every((p) => p.state?.threads[0].present), 'the patients did not see the care team');
  await provider.updateComplete;
  return { provider, patients };
}

const queue = (provider: ClinicChat) => provider.shadowRoot!.querySelector('clinic-chat-queue')!;
const entry = (provider: ClinicChat, id: string) => queue(provider).shadowRoot!.querySelector<HTMLButtonElement>(`[data-id="${id}"]`)!;
const deepFocus = () => {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
};

describe('<clinic-chat> and the actions of its inner elements', () => {
  afterEach(() => document.querySelectorAll('clinic-chat').forEach((el) => el.remove()));

  it('puts focus in the composer of the patient chosen with a click', async () => {
    const { provider } = await clinic(['ana', 'ben']);

    entry(provider, 'ben').click();

    await waitUntil(() => deepFocus()?.getAttribute('part') === 'input', 'focus did not move to the composer');
    expect(provider.state!.active).to.equal('ben');
  });

  it('leaves focus in the queue when a message re-opens a minimized box', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    await provider.open('ana');
    provider.minimize();
    await waitUntil(() => deepFocus()?.getAttribute('part') === 'minimize-button', 'focus did not move to restore');
    entry(provider, 'ben').focus();

    await patients.ana.send('are you there?');
    await waitUntil(() => provider.state!.box === 'open', 'the message did not re-open the box');
    await provider.updateComplete;
    await nextFrame();
    await nextFrame();

    expect(deepFocus()?.getAttribute('data-id') ?? deepFocus()?.getAttribute('part')).to.equal('ben');
  });
});
