/// <reference types="mocha" />
// Every property of <clinic-chat> set on a live element (after its first render) takes effect.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../define.js';
import { PortTransport } from '../../transports/port.js';
import type { ClinicChat } from './clinic-chat.js';

let rooms = 0;
const nextRoom = () => `runtime-${Date.now()}-${rooms++}`;

/** A live element: connected, rendered and with its session running. */
async function live(role: 'provider' | 'patient', id: string, room: string, wrapper: HTMLElement, set: Partial<ClinicChat> = {}): Promise<ClinicChat> {
  const el = document.createElement('clinic-chat') as ClinicChat;
  Object.assign(el, { chatRole: role, room, me: { id, name: id.toUpperCase() }, visit: 'visit-1', ...set });
  wrapper.append(el);
  await waitUntil(() => el.state, `${id} has no session`);
  await el.updateComplete;
  return el;
}

async function clinic(patientIds: string[]) {
  const room = nextRoom();
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  const provider = await live('provider', 'dr-lee', room, wrapper);
  const patients: Record<string, ClinicChat> = {};
  for (const id of patientIds) patients[id] = await live('patient', id, room, wrapper);
  await waitUntil(() => provider.state?.threads.length === patientIds.length, 'the patients did not join the queue');
  await waitUntil(() => Object.values(patients).every((p) => p.state?.threads[0].present), 'the patients did not see the care team');
  return { room, wrapper, provider, patients };
}

/** Finds an element through the nested open shadow roots. */
function $(el: Element, selector: string): HTMLElement | null {
  const walk = (root: ShadowRoot): HTMLElement | null => {
    const hit = root.querySelector<HTMLElement>(selector);
    if (hit) return hit;
    for (const child of root.querySelectorAll('*')) {
      const inner = child.shadowRoot && walk(child.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  return walk(el.shadowRoot!);
}

const textOf = (el: Element, selector: string) => $(el, selector)?.textContent?.trim() ?? null;

function png(bytes: number): File {
  const data = new Uint8Array(bytes);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new File([data], 'scan.png', { type: 'image/png' });
}

describe('<clinic-chat> properties set at runtime', () => {
  afterEach(() => document.querySelectorAll('clinic-chat').forEach((el) => el.remove()));

  it('heading: retitles the open box and the launcher', async () => {
    const { patients } = await clinic(['ana']);
    const ana = patients.ana;

    ana.heading = 'Ask the nurse';
    await ana.updateComplete;
    expect(textOf(ana, '[part~="title"]')).to.equal('Ask the nurse');

    ana.minimize();
    await ana.updateComplete;
    ana.heading = 'Ask the pharmacist';
    await ana.updateComplete;
    // The launcher is compact ("Chat"); the heading is its tooltip.
    expect($(ana, '[part~="launcher"]')!.getAttribute('title')).to.equal('Ask the pharmacist');
  });

  it('theme: switches the palette of the rendered box between dark and light', async () => {
    const { patients } = await clinic(['ana']);
    const ana = patients.ana;
    const background = () => getComputedStyle($(ana, 'clinic-chat-box')!).backgroundColor;

    ana.theme = 'dark';
    await ana.updateComplete;
    expect(ana.getAttribute('theme')).to.equal('dark');
    const dark = background();

    ana.setAttribute('theme', 'light');
    await ana.updateComplete;
    expect(ana.theme).to.equal('light');
    expect([dark, background()]).to.deep.equal(['rgb(21, 25, 30)', 'rgb(255, 255, 255)']);
  });

  it('max-file-size: a file within the old limit is refused under the new one, and the conversation stays', async () => {
    const { patients } = await clinic(['ana']);
    const ana = patients.ana;
    const sent = await ana.send('my scan', [png(4096)]);

    ana.setAttribute('max-file-size', '1024');
    await ana.updateComplete;
    expect(ana.maxFileSize).to.equal(1024);
    expect(ana.state!.threads[0].messages.map((m) => m.id)).to.deep.equal([sent.id]);

    const refusal = await ana.send('', [png(4096)]).then(
      () => null,
      (error: { code: string; message: string }) => error,
    );
    expect(refusal).to.include({ code: 'too-large' });
    expect(refusal!.message).to.contain('the limit is 1 KB');
  });

  it('notifications: turns alerts on and off in the state and on the queue\'s toggle', async () => {
    const { provider } = await clinic(['ana']);
    const toggle = () => $(provider, '[part~="notify-toggle"]')!;

    provider.notifications = true;
    await provider.updateComplete;
    expect([provider.state!.notifications, toggle().getAttribute('aria-pressed')]).to.deep.equal([true, 'true']);

    provider.notifications = false;
    await provider.updateComplete;
    expect([provider.state!.notifications, toggle().getAttribute('aria-pressed')]).to.deep.equal([false, 'false']);
  });

  it('notifications: follows the user\'s toggle, so the host reads what the user chose', async () => {
    const { provider } = await clinic(['ana']);

    $(provider, '[part~="notify-toggle"]')!.click();
    await provider.updateComplete;
    expect([provider.notifications, provider.state!.notifications]).to.deep.equal([true, true]);

    $(provider, '[part~="notify-toggle"]')!.click();
    await provider.updateComplete;
    expect([provider.notifications, provider.state!.notifications]).to.deep.equal([false, false]);
  });

  it('retention: in view retention a closed chat\'s messages are cleared', async () => {
    const { provider, patients } = await clinic(['ana']);

    provider.retention = 'view';
    await provider.updateComplete;
    expect(provider.state!.retention).to.equal('view');
    await waitUntil(() => provider.state!.threads.some((t) => t.id === 'ana' && t.present), 'ANA is not in the new session\'s queue');
    await provider.open('ana');
    await patients.ana.send('my rash is worse');
    await waitUntil(() => textOf(provider, '[part~="message"]')?.includes('my rash is worse'), 'the message did not arrive');
    provider.close();
    await provider.open('ana');
    await provider.updateComplete;

    expect(textOf(provider, '[part~="messages"]')).to.contain('Earlier messages were cleared.');
  });

  it('chat-role: a patient\'s element becomes the care team\'s queue', async () => {
    const { room, wrapper } = await clinic([]);
    const el = await live('patient', 'ana', room, wrapper);
    expect($(el, 'clinic-chat-queue')).to.equal(null);

    el.chatRole = 'provider';
    await el.updateComplete;
    await waitUntil(() => el.state?.role === 'provider');
    await el.updateComplete;

    expect(el.getAttribute('chat-role')).to.equal('provider');
    expect($(el, 'clinic-chat-queue')).not.to.equal(null);
  });

  it('room: moves the care team to another room\'s patients', async () => {
    const { provider } = await clinic(['ana']);
    const other = nextRoom();
    await live('patient', 'ben', other, provider.parentElement!);

    provider.room = other;
    await waitUntil(() => provider.state?.threads.map((t) => t.id).join() === 'ben', 'the queue did not move to the other room');
    await provider.updateComplete;

    expect($(provider, '[data-id="ben"]')).not.to.equal(null);
    expect($(provider, '[data-id="ana"]')).to.equal(null);
  });

  it('visit: a new visit starts an ended chat again', async () => {
    const { provider, patients } = await clinic(['ana']);
    const ana = patients.ana;
    await provider.open('ana');
    provider.end();
    await waitUntil(() => ana.state?.threads[0].ended, 'ANA did not see the chat end');
    await ana.updateComplete;
    expect(textOf(ana, '[part~="banner"]')).to.equal('This chat has ended.');

    ana.visit = 'visit-2';
    await ana.updateComplete;

    expect(ana.state!.threads[0].ended).to.equal(false);
    expect($(ana, '[part~="banner"]')).to.equal(null);
    await waitUntil(() => !($(ana, '[part~="input"]') as HTMLTextAreaElement).disabled, 'the composer stayed disabled');
  });

  it('me: a new id is a new person in the queue', async () => {
    const { provider, patients } = await clinic(['ana']);

    patients.ana.me = { id: 'cy', name: 'Cy' };
    await waitUntil(() => provider.state?.threads.some((t) => t.id === 'cy'), 'the new person did not join the queue');
    await provider.updateComplete;

    expect(patients.ana.state!.me).to.deep.include({ id: 'cy', name: 'Cy' });
    expect(textOf(provider, '[data-id="cy"] .name')).to.equal('Cy');
  });

  it('queue: the host\'s queue shows who waits, and who has left', async () => {
    const { provider } = await clinic([]);

    provider.queue = [{ id: 'zoe', name: 'Zoe' }];
    await provider.updateComplete;
    expect(textOf(provider, '[data-id="zoe"] [part~="queue-status"]')).to.equal('Waiting under a minute');

    provider.queue = [{ id: 'zoe', name: 'Zoe', present: false }];
    await provider.updateComplete;
    expect(textOf(provider, '[data-id="zoe"] [part~="queue-status"]')).to.equal('Left');
  });

  it('transport: a custom transport set later carries the chat', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const { port1, port2 } = new MessageChannel();
    const provider = await live('provider', 'dr-lee', nextRoom(), wrapper);
    const ana = await live('patient', 'ana', nextRoom(), wrapper);
    expect(provider.state!.threads).to.have.length(0);

    provider.transport = new PortTransport(port1);
    ana.transport = new PortTransport(port2);

    await waitUntil(() => provider.state?.threads.some((t) => t.id === 'ana'), 'ANA did not reach the care team over the port');
    await ana.send('hello over the port');
    await waitUntil(() => provider.state!.threads[0].messages.some((m) => m.text === 'hello over the port'), 'the message did not cross the port');
  });
});
