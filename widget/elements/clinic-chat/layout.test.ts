/// <reference types="mocha" />
// Geometry in real Chromium: the chat keeps its composer in view, scrolls its log and holds its width.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../define.js';
import { ClinicChat } from './clinic-chat.js';

let room = 0;
const nextRoom = () => `layout-${Date.now()}-${room++}`;

/** A provider inside `container` and a patient in a separate hidden-away box, on one fresh room. */
async function pair(container: HTMLElement) {
  const r = nextRoom();
  const make = (role: 'provider' | 'patient', id: string, name: string, parent: HTMLElement) => {
    const el = document.createElement('clinic-chat') as ClinicChat;
    el.chatRole = role;
    el.room = r;
    el.me = { id, name };
    el.visit = 'visit-1';
    parent.append(el);
    return el;
  };
  const provider = make('provider', 'dr-lee', 'Dr Lee', container);
  const aside = document.createElement('div');
  container.after(aside);
  const patient = make('patient', 'ana', 'Ana', aside);
  await waitUntil(() => provider.state?.threads.length === 1, 'the patient did not join the queue');
  await waitUntil(() => patient.state?.threads[0].present, 'the patient did not see the provider');
  return { provider, patient };
}

const deep = (root: Element, selector: string): HTMLElement => {
  const walk = (node: Element | ShadowRoot): HTMLElement | null => {
    const hit = node.querySelector<HTMLElement>(selector);
    if (hit) return hit;
    for (const child of node.querySelectorAll('*')) {
      const inner = child.shadowRoot && walk(child.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  const found = walk(root.shadowRoot!);
  if (!found) throw new Error(`no ${selector}`);
  return found;
};

const atBottom = (log: HTMLElement) => log.scrollHeight - log.scrollTop - log.clientHeight < 2;

async function image(width: number, height: number): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.fillRect(0, 0, width, height);
  const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
  return new File([blob], 'photo.png', { type: 'image/png' });
}

describe('<clinic-chat> layout', () => {
  it('keeps the clinician composer in view and scrolls the log in a narrow (stacked) layout', async () => {
    const container = await fixture<HTMLDivElement>(html`<div style="width: 420px"></div>`);
    const { provider, patient } = await pair(container);
    await provider.open('ana');
    for (let i = 0; i < 17; i++) await patient.send(`message ${i} with enough words to take a line or two`);
    await waitUntil(() => provider.state!.threads[0].messages.length === 17);
    await provider.updateComplete;
    const box = provider.getBoundingClientRect();
    expect(box.height).to.be.at.most(520 + 1);
    const composer = deep(provider, '[part~="input"]').getBoundingClientRect();
    expect(composer.bottom).to.be.at.most(box.bottom);
    const log = deep(provider, '[part~="messages"]');
    expect(log.scrollHeight).to.be.greaterThan(log.clientHeight);
    await waitUntil(() => atBottom(log), 'the newest message is not in view');
  });

  it('shows the queued patient in full above the box in the stacked layout, not clipped', async () => {
    const container = await fixture<HTMLDivElement>(html`<div style="width: 420px"></div>`);
    const { provider } = await pair(container);
    await provider.open('ana');
    await provider.updateComplete;
    const item = deep(provider, '[part~="queue-item"]').getBoundingClientRect();
    const queue = deep(provider, '[part~="queue"]').getBoundingClientRect();
    const box = deep(provider, '[part~="box"]').getBoundingClientRect();
    expect(item.height).to.be.greaterThan(20);
    expect(item.bottom).to.be.at.most(queue.bottom + 1);
    expect(queue.bottom).to.be.at.most(box.top);
  });

  it('has a usable width inside a display:flex row', async () => {
    const row = await fixture<HTMLDivElement>(html`<div style="display: flex; width: 900px"><div style="width: 200px"></div></div>`);
    const { provider } = await pair(row);
    expect(provider.getBoundingClientRect().width).to.be.at.least(280);
  });

  it('stays pinned to the newest message after an image loads', async () => {
    const container = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
    const { provider, patient } = await pair(container);
    await provider.open('ana');
    for (let i = 0; i < 12; i++) await patient.send(`line ${i}`);
    await patient.send('see photo', [await image(200, 400)]);
    const img = () => provider.shadowRoot && (deep(provider, '[part~="attachment"] img') as HTMLImageElement);
    await waitUntil(() => { try { return img()!.complete && img()!.naturalHeight === 400; } catch { return false; } }, 'the image did not load');
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const log = deep(provider, '[part~="messages"]');
    expect(atBottom(log)).to.equal(true);
  });

  it('does not yank the log down when the user scrolled up and an image arrives', async () => {
    const container = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
    const { provider, patient } = await pair(container);
    await provider.open('ana');
    for (let i = 0; i < 20; i++) await patient.send(`line ${i}`);
    await waitUntil(() => provider.state!.threads[0].messages.length === 20);
    const log = deep(provider, '[part~="messages"]');
    // The user's scroll is seen only once its scroll event is dispatched; wait for it.
    const scrolled = new Promise((r) => log.addEventListener('scroll', r, { once: true }));
    log.scrollTop = 0;
    await scrolled;
    await patient.send('see photo', [await image(200, 400)]);
    await waitUntil(() => { try { return (deep(provider, '[part~="attachment"] img') as HTMLImageElement).naturalHeight === 400; } catch { return false; } });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(log.scrollTop).to.equal(0);
  });
});
