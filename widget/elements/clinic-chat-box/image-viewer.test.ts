/// <reference types="mocha" />
import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ChatCore } from '../../core/chat-core.js';
import { clinic, pngFile, stopCores, themed } from '../../testing/element-fixtures.js';
import { ClinicChatBox } from './clinic-chat-box.js';

ClinicChatBox.define();

/** A box on one thread, following the core's state as <clinic-chat> does. */
async function renderBox(core: ChatCore, threadId: string, theme: 'light' | 'dark' = 'light'): Promise<ClinicChatBox> {
  const thread = () => core.state.threads.find((t) => t.id === threadId);
  const el = await themed<ClinicChatBox>(
    html`<clinic-chat-box .core=${core} .state=${core.state} .thread=${thread()} ?minimized=${core.state.box === 'minimized'}></clinic-chat-box>`,
    theme,
  );
  core.subscribe((state) => {
    el.state = state;
    el.thread = thread();
    el.minimized = state.box === 'minimized';
  });
  return el;
}

const $ = <T extends Element = HTMLElement>(el: ClinicChatBox, part: string) => el.shadowRoot!.querySelector<T>(`[part~="${part}"]`);
const thumbnail = (el: ClinicChatBox) => el.shadowRoot!.querySelector<HTMLButtonElement>('button[part~="attachment"]');
const viewer = (el: ClinicChatBox) => $<HTMLDialogElement>(el, 'image-viewer');

/** A provider's box with a 600px photo from Ana, its thumbnail decoded. */
async function boxWithPhoto(opts: { theme?: 'light' | 'dark'; retention?: 'view' } = {}) {
  const { provider, patients } = await clinic(['ana'], opts.retention ? { retention: opts.retention } : {});
  provider.open('ana');
  const el = await renderBox(provider, 'ana', opts.theme);
  await patients.ana.send('see photo', [await pngFile('rash.png', 600)]);
  await waitUntil(() => thumbnail(el)?.querySelector('img')?.complete && thumbnail(el)!.querySelector('img')!.naturalWidth === 600, 'the photo did not arrive');
  return { provider, patients, el, thumb: thumbnail(el)! };
}

async function openViewer(el: ClinicChatBox, thumb: HTMLButtonElement): Promise<HTMLDialogElement> {
  thumb.focus();
  await sendKeys({ press: 'Enter' });
  await el.updateComplete;
  const dialog = viewer(el)!;
  const image = $<HTMLImageElement>(el, 'image-viewer-image')!;
  await waitUntil(() => image.complete && image.naturalWidth > 0, 'the full image did not load');
  return dialog;
}

describe('the image viewer of <clinic-chat-box>', () => {
  afterEach(() => stopCores());

  it('opens a thumbnail\'s image full size in a modal dialog, named after the file, focus on Close', async () => {
    const { el, thumb } = await boxWithPhoto();
    expect(thumb.getAttribute('aria-haspopup')).to.equal('dialog');
    expect(viewer(el)).to.equal(null);

    const dialog = await openViewer(el, thumb);

    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    const image = $<HTMLImageElement>(el, 'image-viewer-image')!;
    const shown = thumb.querySelector('img')!.getBoundingClientRect().width;
    expect(image.naturalWidth).to.be.greaterThan(shown);
    expect(image.getBoundingClientRect().width).to.be.greaterThan(shown);
    // Scaled down to fit, never past the viewport.
    expect(image.getBoundingClientRect().height).to.be.at.most(window.innerHeight);
    expect(image.alt).to.equal('Image: rash.png');
    expect(dialog.querySelector('#image-viewer-name')!.textContent).to.equal('rash.png');
    expect(dialog.getAttribute('aria-labelledby')).to.equal('image-viewer-name');
    expect(el.shadowRoot!.activeElement).to.equal($(el, 'image-viewer-close'));
  });

  it('closes on Escape, without minimizing the box, and gives focus back to the thumbnail', async () => {
    const { provider, el, thumb } = await boxWithPhoto();
    await openViewer(el, thumb);

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => viewer(el) === null, 'the viewer did not close');

    expect(el.shadowRoot!.activeElement).to.equal(thumb);
    expect(provider.state.box).to.equal('open');
  });

  it('closes with its Close button, focus back on the thumbnail', async () => {
    const { el, thumb } = await boxWithPhoto();
    await openViewer(el, thumb);

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => viewer(el) === null, 'the viewer did not close');

    expect(el.shadowRoot!.activeElement).to.equal(thumb);
  });

  it('keeps focus in the open viewer: Tab moves between its controls, the box behind is inert', async () => {
    const { el, thumb } = await boxWithPhoto();
    await openViewer(el, thumb);
    const download = $(el, 'image-viewer-download')!;
    const close = $(el, 'image-viewer-close')!;

    await sendKeys({ press: 'Shift+Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(download);
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(close);
    $(el, 'messages')!.focus();
    thumb.focus();

    expect(el.shadowRoot!.activeElement).to.equal(close);
  });

  it('offers the image for download under its name, from the URL the thumbnail already uses', async () => {
    const { el, thumb } = await boxWithPhoto();
    const created: Blob[] = [];
    const original = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob | MediaSource) => (created.push(blob as Blob), original.call(URL, blob));
    try {
      await openViewer(el, thumb);
    } finally {
      URL.createObjectURL = original;
    }

    const download = $<HTMLAnchorElement>(el, 'image-viewer-download')!;
    expect(download.getAttribute('download')).to.equal('rash.png');
    expect(download.href).to.equal(thumb.querySelector('img')!.src);
    expect($<HTMLImageElement>(el, 'image-viewer-image')!.src).to.equal(thumb.querySelector('img')!.src);
    expect(created).to.deep.equal([]);
  });

  it('closes when the thread it shows is erased (its image URL is revoked)', async () => {
    const { provider, el, thumb } = await boxWithPhoto({ retention: 'view' });
    await openViewer(el, thumb);

    provider.close();
    await el.updateComplete;

    expect(viewer(el)).to.equal(null);
  });

  it('closes when the box is minimized', async () => {
    const { provider, el, thumb } = await boxWithPhoto();
    await openViewer(el, thumb);

    provider.minimize();
    await el.updateComplete;

    expect(viewer(el)).to.equal(null);
  });

  it('holds nothing once its box leaves the page: put back, the box shows no viewer', async () => {
    const { el, thumb } = await boxWithPhoto();
    await openViewer(el, thumb);
    const parent = el.parentElement!;

    el.remove();
    const modalWhileGone = document.querySelector(':modal') !== null;
    parent.append(el);
    await el.updateComplete;

    expect(modalWhileGone).to.equal(false);
    expect(viewer(el) === null).to.equal(true);
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`is accessible open, in the ${theme} theme (axe)`, async () => {
      const { el, thumb } = await boxWithPhoto({ theme });
      await openViewer(el, thumb);

      await expect(el).to.be.accessible();
    });
  }
});
