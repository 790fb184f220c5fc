/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ChatCore } from '../../core/chat-core.js';
import { clinic, nextRoom, startCore, stopCores, themed } from '../../testing/element-fixtures.js';
import { ClinicChatQueue } from './clinic-chat-queue.js';

ClinicChatQueue.define();

/** The queue rendered on its own, following the provider core's state as <clinic-chat> does. */
async function renderQueue(core: ChatCore, theme: 'light' | 'dark' = 'light'): Promise<ClinicChatQueue> {
  const el = await themed<ClinicChatQueue>(html`<clinic-chat-queue .core=${core} .state=${core.state}></clinic-chat-queue>`, theme);
  core.subscribe((state) => (el.state = state));
  return el;
}

const items = (el: ClinicChatQueue) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="queue-item"]')];
const item = (el: ClinicChatQueue, id: string) => items(el).find((b) => b.dataset.id === id)!;
const badge = (el: ClinicChatQueue, id: string) => item(el, id).querySelector('[part~="badge"]')?.textContent?.trim() ?? '';
const focused = (el: ClinicChatQueue) => (el.shadowRoot!.activeElement as HTMLElement | null)?.dataset.id;

async function sendMany(patient: ChatCore, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await patient.send(`message ${i}`);
}

describe('<clinic-chat-queue>', () => {
  afterEach(stopCores);

  it('lists one button per patient in arrival order, named with their unread count and status', async () => {
    const { provider, patients } = await clinic(['zoe', 'ana', 'max']);
    const el = await renderQueue(provider);

    await sendMany(patients.ana, 2);
    await waitUntil(() => badge(el, 'ana') === '2', 'the unread messages did not reach the queue');

    expect(items(el).map((b) => b.dataset.id)).to.deep.equal(['zoe', 'ana', 'max']);
    expect(items(el).map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'ZOE, waiting under a minute',
      'ANA, 2 unread, waiting under a minute',
      'MAX, waiting under a minute',
    ]);
  });

  it('shows the unread count on the badge, and 99+ above 99 while the name keeps the real count', async () => {
    const { provider, patients } = await clinic(['ana']);
    const el = await renderQueue(provider);

    await sendMany(patients.ana, 99);
    await waitUntil(() => badge(el, 'ana') === '99', 'the badge did not count to 99');
    await patients.ana.send('one more');
    await waitUntil(() => badge(el, 'ana') === '99+', 'the badge did not cap at 99+');

    expect(item(el, 'ana').getAttribute('aria-label')).to.equal('ANA, 100 unread, waiting under a minute');
    expect(item(el, 'ana').querySelector('[part~="badge"]')!.getAttribute('aria-hidden')).to.equal('true');
  });

  it('shows no badge for a patient without unread messages', async () => {
    const { provider } = await clinic(['ana']);

    const el = await renderQueue(provider);

    expect(item(el, 'ana').querySelectorAll('[part~="badge"]').length).to.equal(0);
  });

  it('shows "Left" for a patient who left, in the status line and the name', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    const el = await renderQueue(provider);

    patients.ana.stop();
    await waitUntil(() => item(el, 'ana').dataset.present === 'false', 'the queue did not see ANA leave');

    expect(item(el, 'ana').querySelector('[part~="queue-status"]')!.textContent).to.equal('Left');
    expect(item(el, 'ana').getAttribute('aria-label')).to.equal('ANA, left');
    expect(item(el, 'ben').querySelector('[part~="queue-status"]')!.textContent).to.equal('Waiting under a minute');
  });

  it('marks the patient whose chat is open with aria-current, and none once the box is closed', async () => {
    const { provider } = await clinic(['ana', 'ben']);
    const el = await renderQueue(provider);

    provider.open('ben');
    await el.updateComplete;
    expect(items(el).map((b) => b.getAttribute('aria-current'))).to.deep.equal(['false', 'true']);

    provider.close();
    await el.updateComplete;
    expect(items(el).map((b) => b.getAttribute('aria-current'))).to.deep.equal(['false', 'false']);
  });

  it('moves focus between patients with Up, Down, Home and End, stopping at the ends', async () => {
    const { provider } = await clinic(['ana', 'ben', 'cy']);
    const el = await renderQueue(provider);
    item(el, 'ana').focus();

    await sendKeys({ press: 'ArrowDown' });
    expect(focused(el)).to.equal('ben');
    await sendKeys({ press: 'End' });
    expect(focused(el)).to.equal('cy');
    await sendKeys({ press: 'ArrowDown' });
    expect(focused(el)).to.equal('cy');
    await sendKeys({ press: 'Home' });
    expect(focused(el)).to.equal('ana');
    await sendKeys({ press: 'ArrowUp' });
    expect(focused(el)).to.equal('ana');
  });

  it('opens a patient\'s chat on the core when chosen, with focus on their entry, and dispatches no event', async () => {
    const { provider } = await clinic(['ana', 'ben']);
    const el = await renderQueue(provider);
    const events: string[] = [];
    for (const name of ['clinic-chat-queue-pick', 'clinic-chat-open']) el.addEventListener(name, () => events.push(name));

    item(el, 'ben').click();

    expect([provider.state.active, provider.state.box]).to.deep.equal(['ben', 'open']);
    expect(el.focusedPatient).to.equal('ben');
    expect(events).to.deep.equal([]);
  });

  it('turns alerts on and off on the core, and shows aria-pressed from the state', async () => {
    const { provider } = await clinic(['ana']);
    const el = await renderQueue(provider);
    const toggle = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="notify-toggle"]')!;

    toggle.click();
    await el.updateComplete;
    expect(provider.state.notifications).to.equal(true);
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    expect(toggle.textContent!.trim()).to.equal('Alerts on');

    toggle.click();
    await el.updateComplete;
    expect(provider.state.notifications).to.equal(false);
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
  });

  it('says "No patients waiting." when the queue is empty', async () => {
    const provider = startCore(nextRoom(), 'dr-lee', 'provider');

    const el = await renderQueue(provider);

    expect(el.shadowRoot!.querySelector('.empty')!.textContent).to.equal('No patients waiting.');
    expect(el.shadowRoot!.querySelectorAll('[part~="queue"], [part~="queue-item"]').length).to.equal(0);
  });

  it('is accessible with waiting, unread, current and departed patients (axe)', async () => {
    const { provider, patients } = await clinic(['ana', 'ben', 'cy']);
    const el = await renderQueue(provider);
    await sendMany(patients.ben, 3);
    provider.open('ana');
    patients.cy.stop();
    provider.setNotifications(true);
    await waitUntil(() => badge(el, 'ben') === '3' && item(el, 'cy').dataset.present === 'false');

    await expect(el).to.be.accessible();
  });

  it('is accessible in the dark theme and when empty (axe)', async () => {
    const { provider, patients } = await clinic(['ana']);
    const dark = await renderQueue(provider, 'dark');
    await patients.ana.send('hello');
    await waitUntil(() => badge(dark, 'ana') === '1');
    await expect(dark).to.be.accessible();

    const empty = await renderQueue(startCore(nextRoom(), 'dr-kim', 'provider'));
    await expect(empty).to.be.accessible();
  });

  it('adds no banner landmark to a host page that has its own header (axe)', async () => {
    const { provider } = await clinic(['ana']);
    const page = await fixture<HTMLDivElement>(html`<div><header>Northside Clinic</header><main>Your visit</main></div>`);
    const el = await renderQueue(provider);

    page.append(el.parentElement!);

    await expect(page).to.be.accessible();
  });

  it('offers to dismiss a patient who left, named for them, and removes them from the queue when pressed', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    const el = await renderQueue(provider);
    const dismiss = (name: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`button[aria-label="Dismiss ${name}"]`);
    expect([dismiss('ANA'), dismiss('BEN')]).to.deep.equal([null, null]);

    patients.ana.stop();
    await waitUntil(() => dismiss('ANA'), 'no Dismiss button for the patient who left');
    expect(dismiss('BEN')).to.equal(null);
    dismiss('ANA')!.click();
    await el.updateComplete;

    expect(items(el).map((b) => b.dataset.id)).to.deep.equal(['ben']);
    await expect(el).to.be.accessible();
  });
});
