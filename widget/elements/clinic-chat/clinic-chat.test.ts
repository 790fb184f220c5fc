/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import { addClinicChat } from '../../testing/clinic-chat-fixtures.js';
import { LocalTransport } from '../../transports/local.js';
import { ClinicChat } from './clinic-chat.js';

let room = 0;
const nextRoom = () => `test-${Date.now()}-${room++}`;

/** A provider and patients on one page, talking over a fresh BroadcastChannel room. */
async function clinic(patients: string[], opts: { retention?: 'session' | 'view' } = {}) {
  const r = nextRoom();
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  const make = (role: 'provider' | 'patient', id: string, name: string) => addClinicChat(wrapper, r, role, id, name, opts);
  const provider = make('provider', 'dr-lee', 'Dr Lee');
  const pts = Object.fromEntries(patients.map((id) => [id, make('patient', id, id.toUpperCase())]));
  await waitUntil(() => provider.state?.threads.length === patients.length, 'patients did not join the queue');
  await waitUntil(() => Object.values(pts).every((p) => p.state?.threads[0].present), 'patients did not see the provider');
  return { provider, patients: pts, wrapper };
}

const $ = (root: Element, selector: string): HTMLElement | null => {
  // Searches through the nested open shadow roots.
  const walk = (node: Element | ShadowRoot): HTMLElement | null => {
    const hit = node.querySelector<HTMLElement>(selector);
    if (hit) return hit;
    for (const child of node.querySelectorAll('*')) {
      if (child.shadowRoot) {
        const inner = walk(child.shadowRoot);
        if (inner) return inner;
      }
    }
    return null;
  };
  return walk(root.shadowRoot!);
};
const $$ = (root: Element, selector: string): HTMLElement[] => {
  const out: HTMLElement[] = [];
  const walk = (node: Element | ShadowRoot) => {
    out.push(...node.querySelectorAll<HTMLElement>(selector));
    for (const child of node.querySelectorAll('*')) if (child.shadowRoot) walk(child.shadowRoot);
  };
  walk(root.shadowRoot!);
  return out;
};
const text = (el: Element) => el.shadowRoot ? collect(el) : el.textContent ?? '';
function collect(el: Element): string {
  return $$(el, '[part~="message"], [part~="banner"], [part~="queue-item"], [part~="title"], [part~="status"]').map((n) => n.textContent).join(' ');
}
const badge = (provider: ClinicChat, id: string) =>
  $$(provider, '[part~="queue-item"]').find((b) => b.dataset.id === id)?.querySelector('[part~="badge"]')?.textContent?.trim() ?? '';
const queueItem = (provider: ClinicChat, id: string) => $$(provider, '[part~="queue-item"]').find((b) => b.dataset.id === id)!;
const activeElementDeep = () => {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
};

describe('<clinic-chat>', () => {
  it('shows each joining patient in the provider queue', async () => {
    const { provider } = await clinic(['ana', 'ben']);
    await provider.updateComplete;
    expect($$(provider, '[part~="queue-item"]').map((b) => b.dataset.id)).to.deep.equal(['ana', 'ben']);
  });

  it('counts unread messages per patient on a badge and clears it when the chat is opened', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    await patients.ana.send('hello');
    await patients.ana.send('anyone?');
    await patients.ben.send('hi');
    await waitUntil(() => badge(provider, 'ana') === '2' && badge(provider, 'ben') === '1');
    queueItem(provider, 'ana').click();
    await waitUntil(() => badge(provider, 'ana') === '');
    expect(badge(provider, 'ben')).to.equal('1');
    expect(queueItem(provider, 'ana').getAttribute('aria-current')).to.equal('true');
  });

  it('shows each outgoing message\'s delivery status, up to Read', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.send('status please');
    await waitUntil(() => $(patients.ana, '[part~="delivery"]')?.textContent === 'Delivered');
    await provider.open('ana');
    await waitUntil(() => $(patients.ana, '[part~="delivery"]')?.textContent === 'Read');
  });

  it('keeps the box on the current patient when another patient writes', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    await provider.open('ana');
    await patients.ben.send('my turn?');
    await waitUntil(() => badge(provider, 'ben') === '1');
    expect($(provider, '[part~="title"]')!.textContent).to.equal('ANA');
  });

  it('keeps a half-written draft through minimize and restore', async () => {
    const { provider } = await clinic(['ana']);
    await provider.open('ana');
    await sendKeys({ type: 'half a thought' });
    provider.minimize();
    await provider.updateComplete;
    await provider.open('ana');
    expect(($(provider, '[part~="input"]') as HTMLTextAreaElement).value).to.equal('half a thought');
  });

  it('re-opens a minimized box when that patient writes', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    await provider.open('ana');
    provider.minimize();
    await provider.updateComplete;
    const body = () => $(provider, '.body') as HTMLElement;
    expect(body().hidden).to.equal(true);
    await patients.ben.send('not you');
    await waitUntil(() => badge(provider, 'ben') === '1');
    expect(provider.state!.box).to.equal('minimized');
    await patients.ana.send('me again');
    await waitUntil(() => provider.state!.box === 'open' && !body().hidden);
    expect($(provider, '[part~="messages"]')!.textContent).to.contain('me again');
    expect(badge(provider, 'ana')).to.equal('');
  });

  it('keeps a closed box closed when that patient writes, and the badge counts', async () => {
    const { provider, patients } = await clinic(['ana']);
    await provider.open('ana');
    provider.close();
    await patients.ana.send('one');
    await patients.ana.send('two');
    await waitUntil(() => badge(provider, 'ana') === '2');
    expect($(provider, 'clinic-chat-box')).to.equal(null);
    expect($(provider, '[part~="empty"]')).to.exist;
  });

  it('says plainly when a patient leaves, and disables sending to them', async () => {
    const { provider, patients } = await clinic(['ana']);
    await provider.open('ana');
    patients.ana.remove();
    await waitUntil(() => $(provider, '[part~="banner"]')?.textContent?.includes('ANA has left'));
    expect(($(provider, '[part~="input"]') as HTMLTextAreaElement).disabled).to.equal(true);
    expect(($(provider, '[part~="send-button"]') as HTMLButtonElement).disabled).to.equal(true);
    expect(queueItem(provider, 'ana').textContent).to.contain('Left');
  });

  it('tells the patient when the chat has ended and disables their composer', async () => {
    const { provider, patients } = await clinic(['ana']);
    const ended = new Promise((resolve) => patients.ana.addEventListener('clinic-chat-ended', resolve));
    await provider.open('ana');
    provider.end();
    await ended;
    await patients.ana.updateComplete;
    await waitUntil(() => $(patients.ana, '[part~="banner"]')?.textContent?.includes('This chat has ended'));
    expect(($(patients.ana, '[part~="input"]') as HTMLTextAreaElement).disabled).to.equal(true);
  });

  it('sends with Enter and starts a new line with Shift+Enter', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.open();
    expect(activeElementDeep()?.getAttribute('part')).to.equal('input');
    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => provider.state!.threads[0].messages.length === 1);
    expect(provider.state!.threads[0].messages[0].text).to.equal('line one\nline two');
    expect(($(patients.ana, '[part~="input"]') as HTMLTextAreaElement).value).to.equal('');
  });

  it('is usable from the keyboard alone: arrows through the queue, Enter opens, Escape minimizes, close returns focus', async () => {
    const { provider } = await clinic(['ana', 'ben']);
    queueItem(provider, 'ana').focus();
    await sendKeys({ press: 'ArrowDown' });
    expect((activeElementDeep() as HTMLElement).dataset.id).to.equal('ben');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => activeElementDeep()?.getAttribute('part') === 'input', 'focus did not move to the composer');
    expect(provider.state!.active).to.equal('ben');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => provider.state!.box === 'minimized');
    await waitUntil(() => activeElementDeep()?.getAttribute('part') === 'minimize-button', 'focus did not move to restore');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => provider.state!.box === 'open');
    ($(provider, '[part~="close-button"]') as HTMLButtonElement).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => (activeElementDeep() as HTMLElement | null)?.dataset?.id === 'ben', 'focus did not return to the queue');
  });

  it('refuses an oversize attachment with a clear message and sends nothing', async () => {
    const { provider, patients } = await clinic(['ana']);
    patients.ana.maxFileSize = 1024;
    await waitUntil(() => patients.ana.state?.threads[0].present);
    await patients.ana.updateComplete;
    const composer = $(patients.ana, 'clinic-chat-composer') as unknown as { addFiles(f: File[]): Promise<void> };
    const png = new Uint8Array(4096);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await composer.addFiles([new File([png], 'big.png', { type: 'image/png' })]);
    await patients.ana.updateComplete;
    await waitUntil(() => $(patients.ana, '[part~="error"]')?.textContent?.includes('limit is 1 KB'));
    expect($(patients.ana, '[part~="file-chip"]')).to.equal(null);
    expect(provider.state!.threads[0].messages).to.have.length(0);
  });

  it('carries an image to the other side and shows it', async () => {
    const { provider, patients } = await clinic(['ana']);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    canvas.getContext('2d')!.fillRect(0, 0, 32, 32);
    const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
    await patients.ana.send('see photo', [new File([blob], 'rash.png', { type: 'image/png' })]);
    await provider.open('ana');
    await waitUntil(() => $(provider, '[part~="attachment"] img'));
    const img = $(provider, '[part~="attachment"] img') as HTMLImageElement;
    await waitUntil(() => img.complete && img.naturalWidth === 64, 'the image did not load');
    expect(img.alt).to.equal('Image: rash.png');
  });

  it('opens a received image full size for the patient; Escape closes the viewer, not the chat; its parts are exported', async () => {
    const { provider, patients } = await clinic(['ana']);
    const style = document.createElement('style');
    style.textContent = 'clinic-chat::part(image-viewer) { border-top-color: rgb(1, 2, 3); } clinic-chat::part(image-viewer-close) { border-top-color: rgb(4, 5, 6); }';
    document.head.append(style);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 400;
    const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
    await provider.open('ana');
    await provider.send('your scan', [new File([blob], 'scan.png', { type: 'image/png' })]);
    await patients.ana.open();
    await waitUntil(() => ($(patients.ana, '[part~="attachment"] img') as HTMLImageElement | null)?.naturalWidth === 400, 'the image did not arrive');

    $(patients.ana, 'button[part~="attachment"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => ($(patients.ana, '[part~="image-viewer"]') as HTMLDialogElement | null)?.open, 'the viewer did not open');
    const dialog = $(patients.ana, '[part~="image-viewer"]')!;
    const exported = [getComputedStyle(dialog).borderTopColor, getComputedStyle($(patients.ana, '[part~="image-viewer-close"]')!).borderTopColor];
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$(patients.ana, '[part~="image-viewer"]'), 'the viewer did not close');
    style.remove();

    expect(exported).to.deep.equal(['rgb(1, 2, 3)', 'rgb(4, 5, 6)']);
    expect(patients.ana.state!.box).to.equal('open');
    expect(activeElementDeep()).to.equal($(patients.ana, 'button[part~="attachment"]'));
  });

  it('stores nothing in the browser during a chat', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.send('private');
    await provider.open('ana');
    await provider.send('reply');
    await waitUntil(() => patients.ana.state!.threads[0].messages.length === 2);
    expect(localStorage.length).to.equal(0);
    expect(sessionStorage.length).to.equal(0);
    expect(document.cookie).to.equal('');
    expect(await indexedDB.databases()).to.deep.equal([]);
    expect(await caches.keys()).to.deep.equal([]);
  });

  it('with view retention, erases a thread from the DOM and the state when its box closes', async () => {
    const { provider, patients } = await clinic(['ana'], { retention: 'view' });
    await patients.ana.send('erase me');
    await provider.open('ana');
    await waitUntil(() => text(provider).includes('erase me'));
    provider.close();
    patients.ana.close();
    await provider.updateComplete;
    await patients.ana.updateComplete;
    expect(provider.shadowRoot!.innerHTML + text(provider)).not.to.contain('erase me');
    expect(text(patients.ana)).not.to.contain('erase me');
    expect(JSON.stringify(provider.state!.threads)).not.to.contain('erase me');
    expect(JSON.stringify(patients.ana.state!.threads)).not.to.contain('erase me');
  });

  it('with view retention, erases the previous patient when another patient\'s chat is viewed', async () => {
    const { provider, patients } = await clinic(['ana', 'ben'], { retention: 'view' });
    await patients.ana.send('ana secret');
    await patients.ben.send('ben here');
    await provider.open('ana');
    await waitUntil(() => text(provider).includes('ana secret'));
    await provider.open('ben');
    await provider.updateComplete;
    expect(text(provider)).not.to.contain('ana secret');
    expect(JSON.stringify(provider.state!.threads)).not.to.contain('ana secret');
  });

  it('toggles sound and desktop notifications', async () => {
    const { provider } = await clinic(['ana']);
    const toggle = $(provider, '[part~="notify-toggle"]') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-pressed')).to.equal('false');
    toggle.click();
    await waitUntil(() => toggle.getAttribute('aria-pressed') === 'true');
    expect(provider.state!.notifications).to.equal(true);
  });

  it('announces a message from a patient who is not in view', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    await provider.open('ana');
    await patients.ben.send('psst');
    await waitUntil(() => provider.shadowRoot!.querySelector('[role="status"]')?.textContent?.includes('New message from BEN'));
  });

  it('fires bubbling, composed clinic-chat-* events with typed details', async () => {
    const { provider, patients, wrapper } = await clinic(['ana']);
    const seen: string[] = [];
    for (const name of ['clinic-chat-message', 'clinic-chat-unread', 'clinic-chat-open']) {
      wrapper.addEventListener(name, (e) => seen.push(`${e.type}:${(e as CustomEvent).detail.thread}`));
    }
    await patients.ana.send('ping');
    await waitUntil(() => seen.includes('clinic-chat-unread:ana'));
    await provider.open('ana');
    expect(seen).to.include.members(['clinic-chat-message:ana', 'clinic-chat-unread:ana', 'clinic-chat-open:ana']);
  });

  it('starts with the identity and transport a host set before the element was defined', async () => {
    const { provider, wrapper } = await clinic([]);
    const room = provider.room;
    // A host whose script defines the element late (lazy bundle, framework setting properties first).
    const late = document.createElement('late-clinic-chat') as ClinicChat;
    late.me = { id: 'late', name: 'Late Patient' };
    late.transport = new LocalTransport(room);
    wrapper.append(late);
    class LateChat extends ClinicChat {}
    LateChat.define('late-clinic-chat');

    await waitUntil(() => provider.state?.threads.some((t) => t.id === 'late' && t.patient.name === 'Late Patient'), 'the late element did not join as itself');
    expect(late.state?.me.id).to.equal('late');
  });

  it('fits a 320 px wide screen without sideways scrolling', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.style.width = patients.ana.style.width = '320px';
    await provider.open('ana');
    await patients.ana.send('a long message '.repeat(20));
    for (const el of [provider, patients.ana]) {
      await el.updateComplete;
      expect(el.scrollWidth).to.be.at.most(320);
      const box = $(el, '[part~="box"]')!;
      expect(box.scrollWidth).to.be.at.most(box.clientWidth + 1);
    }
  });

  it('is accessible as provider and as patient (axe)', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.send('hello');
    await provider.open('ana');
    await provider.send('hi Ana');
    await expect(provider).to.be.accessible();
    await expect(patients.ana).to.be.accessible();
  });

  it('is accessible in the dark theme (axe)', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.theme = patients.ana.theme = 'dark';
    await patients.ana.send('hello');
    await provider.open('ana');
    await expect(provider).to.be.accessible();
    await expect(patients.ana).to.be.accessible();
  });
});
