/// <reference types="mocha" />
import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ChatCore } from '../../core/chat-core.js';
import type { ChatState } from '../../core/types.js';
import { PortTransport } from '../../transports/port.js';
import { clinic, nextRoom, pdfFile, pngFile, spyOnRevokeObjectURL, startCore, stopCores, themed } from '../../testing/element-fixtures.js';
import type { ClinicChatComposer } from '../clinic-chat-composer/clinic-chat-composer.js';
import { ClinicChatBox } from './clinic-chat-box.js';

ClinicChatBox.define();

/**
 * A box rendered on its own, following the core's state as <clinic-chat> does: on one thread,
 * or (with `'active'`) on whichever thread the core has in view.
 */
async function renderBox(core: ChatCore, threadId: string, theme: 'light' | 'dark' = 'light'): Promise<ClinicChatBox> {
  const thread = (state: ChatState) => state.threads.find((t) => t.id === (threadId === 'active' ? state.active : threadId));
  const el = await themed<ClinicChatBox>(
    html`<clinic-chat-box
      .core=${core}
      .state=${core.state}
      .thread=${thread(core.state)}
      ?minimized=${core.state.box === 'minimized'}
    ></clinic-chat-box>`,
    theme,
  );
  core.subscribe((state) => {
    el.state = state;
    el.thread = thread(state);
    el.minimized = state.box === 'minimized';
  });
  return el;
}

const $ = <T extends Element = HTMLElement>(el: ClinicChatBox, part: string) => el.shadowRoot!.querySelector<T>(`[part~="${part}"]`);
const $$ = (el: ClinicChatBox, part: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${part}"]`)];
const composer = (el: ClinicChatBox) => el.shadowRoot!.querySelector<ClinicChatComposer>('clinic-chat-composer');
/** Which of the given parts the box renders (booleans keep a failure's message short). */
/** Parts that are rendered and not hidden (a minimized box keeps its body, hidden, so drafts survive). */
const shown = (el: ClinicChatBox, ...parts: string[]) =>
  parts.filter((part) => {
    const node = $(el, part);
    return node !== null && node.getClientRects().length > 0;
  });
const deliveries = (el: ClinicChatBox) => $$(el, 'delivery').map((d) => d.textContent!.trim());

describe('<clinic-chat-box>', () => {
  let revokeSpy: ReturnType<typeof spyOnRevokeObjectURL> | undefined;

  afterEach(() => {
    revokeSpy?.restore();
    revokeSpy = undefined;
    stopCores();
  });

  it('shows the thread\'s messages in order, with the author on others\' messages and a status on one\'s own', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.send('one');
    provider.open('ana');
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    await provider.send('two');
    await waitUntil(() => patients.ana.state.threads[0].messages.length === 2);
    await patients.ana.send('three');
    await waitUntil(() => provider.state.threads[0].messages.length === 3);

    const el = await renderBox(provider, 'ana');
    await waitUntil(() => deliveries(el)[0] === 'Read', 'the patient did not read the reply');

    const messages = $$(el, 'message');
    expect(messages.map((m) => m.querySelector('[part~="text"]')!.textContent)).to.deep.equal(['one', 'two', 'three']);
    expect(messages.map((m) => m.querySelector('[part~="author"]')?.textContent ?? null)).to.deep.equal(['ANA', null, 'ANA']);
    expect(messages.map((m) => m.querySelector('[part~="delivery"]')?.textContent ?? null)).to.deep.equal([null, 'Read', null]);
    expect(messages.map((m) => m.getAttribute('part'))).to.deep.equal([
      'message message-theirs group-first group-last',
      'message message-mine group-first group-last',
      'message message-theirs group-first group-last',
    ]);
  });

  it('shows an own message as Sending until the care team is there, then Delivered when they have it, then Read when they open it', async () => {
    const room = nextRoom();
    const ana = startCore(room, 'ana', 'patient');
    const el = await renderBox(ana, 'ana');

    await ana.send('is anyone there?');
    await el.updateComplete;
    expect(deliveries(el)).to.deep.equal(['Sending…']);

    const provider = startCore(room, 'dr-lee', 'provider');
    await waitUntil(() => deliveries(el)[0] === 'Delivered', 'no delivery receipt once the care team came');
    provider.open('ana');
    await waitUntil(() => deliveries(el)[0] === 'Read', 'no read receipt once the care team opened the chat');
  });

  it('says why a message was not sent when the care team refuses it', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    // The chat ends while the patient's page is away (bfcache); back, she writes before the
    // care team's answer to her return (that the chat has ended) has reached her.
    patients.ana.stop();
    provider.end();
    patients.ana.start();
    await patients.ana.send('am I still here?');
    const el = await renderBox(patients.ana, 'ana');

    await waitUntil(() => $(el, 'delivery-failed'), 'the refusal did not arrive');

    expect($(el, 'delivery-failed')!.textContent!.trim()).to.equal('Not sent: the chat has ended');
    expect($(el, 'banner')!.textContent).to.equal('This chat has ended.');
  });

  it('shows only the header when minimized, with a "Restore chat" button that re-opens the box', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.send('hello');
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    provider.open('ana');
    provider.minimize();
    const el = await renderBox(provider, 'ana');

    const button = $<HTMLButtonElement>(el, 'minimize-button')!;
    expect(el.hasAttribute('minimized')).to.equal(true);
    expect(shown(el, 'header', 'minimize-button', 'close-button', 'messages', 'typing', 'banner', 'end-button')).to.deep.equal([
      'header',
      'minimize-button',
      'close-button',
    ]);
    expect(composer(el)?.getClientRects().length ?? 0, 'the composer is visible').to.equal(0);
    expect(button.getAttribute('aria-label')).to.equal('Restore chat');
    expect(button.getAttribute('aria-expanded')).to.equal('false');

    button.click();
    await el.updateComplete;

    expect(provider.state.box).to.equal('open');
    expect($(el, 'messages')!.textContent).to.contain('hello');
    expect(button.getAttribute('aria-label')).to.equal('Minimize chat');
    expect(button.getAttribute('aria-expanded')).to.equal('true');
  });

  it('minimizes and closes through the core from its header buttons', async () => {
    const { provider } = await clinic(['ana']);
    provider.open('ana');
    const el = await renderBox(provider, 'ana');

    $<HTMLButtonElement>(el, 'minimize-button')!.click();
    expect(provider.state.box).to.equal('minimized');

    $<HTMLButtonElement>(el, 'close-button')!.click();
    expect(provider.state.box).to.equal('closed');
  });

  it('offers "End chat" to the care team only, and only while the patient is there', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const providerBox = await renderBox(provider, 'ana');
    const patientBox = await renderBox(patients.ana, 'ana');

    expect(shown(providerBox, 'end-button')).to.deep.equal(['end-button']);
    expect(shown(patientBox, 'end-button')).to.deep.equal([]);

    patients.ana.stop();
    await waitUntil(() => !provider.state.threads[0].present);
    await providerBox.updateComplete;
    expect(shown(providerBox, 'end-button')).to.deep.equal([]);
  });

  it('ends the chat from "End chat" and its confirmation, and the patient\'s box says so and disables the composer', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const providerBox = await renderBox(provider, 'ana');
    const patientBox = await renderBox(patients.ana, 'ana');

    $<HTMLButtonElement>(providerBox, 'end-button')!.click();
    await providerBox.updateComplete;
    $<HTMLButtonElement>(providerBox, 'end-confirm-button')!.click();
    await waitUntil(() => $(patientBox, 'banner'), 'the patient was not told');

    expect($(patientBox, 'banner')!.textContent).to.equal('This chat has ended.');
    expect($(patientBox, 'status')!.textContent).to.equal('Chat ended');
    await composer(patientBox)!.updateComplete;
    expect(composer(patientBox)!.disabled).to.equal(true);
    expect(composer(patientBox)!.shadowRoot!.querySelector('textarea')!.disabled).to.equal(true);
    expect($(providerBox, 'banner')!.textContent).to.equal('This chat has ended.');
    expect(shown(providerBox, 'end-button')).to.deep.equal([]);
  });

  it('tells the care team that the patient has left and disables sending to them', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const el = await renderBox(provider, 'ana');

    patients.ana.stop();
    await waitUntil(() => $(el, 'banner'), 'the box did not see ANA leave');

    expect($(el, 'banner')!.textContent).to.equal('ANA has left. You can no longer send messages.');
    expect($(el, 'status')!.textContent).to.equal('Left');
    expect(composer(el)!.disabled).to.equal(true);
    expect(composer(el)!.getAttribute('disabled-reason')).to.equal('ANA has left. You can no longer send messages.');
  });

  it('starts an empty composer for another patient, so a draft never goes to the wrong patient', async () => {
    const { provider, patients } = await clinic(['ana', 'ben']);
    provider.open('ana');
    const el = await renderBox(provider, 'active');
    await composer(el)!.addFiles([pdfFile('ana-results.pdf')]);
    composer(el)!.focus();
    await sendKeys({ type: 'Ana, your results are normal' });

    provider.open('ben');
    await el.updateComplete;
    expect($(el, 'title')!.textContent).to.equal('BEN');
    expect(composer(el)!.shadowRoot!.querySelectorAll('[part~="file-chip"]').length).to.equal(0);
    composer(el)!.focus();
    await sendKeys({ type: 'Hello Ben' });
    await sendKeys({ press: 'Enter' });

    await waitUntil(() => patients.ben.state.threads[0].messages.length > 0, 'Ben got nothing');
    expect(patients.ben.state.threads[0].messages.map((m) => [m.text, m.attachments.length])).to.deep.equal([['Hello Ben', 0]]);
  });

  it('shows who is typing', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const el = await renderBox(provider, 'ana');

    patients.ana.setTyping(true);
    await waitUntil(() => $(el, 'typing')!.textContent === 'ANA is typing…', 'no typing line');
    patients.ana.setTyping(false);
    await waitUntil(() => $(el, 'typing')!.textContent === '', 'the typing line stayed');
  });

  it('says when the connection is lost', async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderBox(patients.ana, 'ana');
    expect($(el, 'status')!.textContent).to.equal('Care team online');

    patients.ana.stop();
    await el.updateComplete;

    expect($(el, 'status')!.textContent).to.equal('Offline — messages will be sent when the connection returns');
  });

  it('opens a received PDF in a new tab (the browser\'s viewer), with a separate Download link beside it', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const el = await renderBox(patients.ana, 'ana');

    await provider.send('your results', [pdfFile('results.pdf')]);
    await waitUntil(() => $(el, 'attachment-download'), 'the PDF did not arrive');

    const link = el.shadowRoot!.querySelector<HTMLAnchorElement>('a[part~="attachment"]')!;
    expect(link.hasAttribute('download')).to.equal(false);
    expect([link.target, link.rel]).to.deep.equal(['_blank', 'noopener']);
    expect(link.href).to.match(/^blob:/);
    expect(link.textContent!.trim()).to.match(/^results\.pdf \(\d+ B\)$/);
    const download = $<HTMLAnchorElement>(el, 'attachment-download')!;
    expect(download.getAttribute('download')).to.equal('results.pdf');
    expect(download.href).to.equal(link.href);
    expect(download.getAttribute('aria-label')).to.equal('Download results.pdf');
    await expect(el).to.be.accessible();
  });

  it('shows a received image with "Image: <name>" as its alternative text', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const el = await renderBox(provider, 'ana');

    await patients.ana.send('see photo', [await pngFile('rash.png')]);
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="attachment"] img'), 'the image did not arrive');

    const img = el.shadowRoot!.querySelector<HTMLImageElement>('[part~="attachment"] img')!;
    expect(img.alt).to.equal('Image: rash.png');
    await waitUntil(() => img.complete && img.naturalWidth === 32, 'the image did not load');
  });

  it('revokes an attachment\'s object URL when its thread is erased', async () => {
    const { provider, patients } = await clinic(['ana'], { retention: 'view' });
    provider.open('ana');
    const el = await renderBox(provider, 'ana');
    await patients.ana.send('see photo', [await pngFile('rash.png')]);
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="attachment"] img'), 'the image did not arrive');
    const url = el.shadowRoot!.querySelector<HTMLImageElement>('[part~="attachment"] img')!.src;
    revokeSpy = spyOnRevokeObjectURL();

    provider.close();
    await el.updateComplete;

    expect(provider.state.threads[0].messages).to.deep.equal([]);
    expect(revokeSpy.revoked).to.deep.equal([url]);
  });

  it('revokes its attachments\' object URLs when it leaves the page', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const el = await renderBox(patients.ana, 'ana');
    await patients.ana.send('two files', [await pngFile('a.png'), pdfFile('b.pdf')]);
    await el.updateComplete;
    const urls = [
      ...[...el.shadowRoot!.querySelectorAll<HTMLImageElement>('[part~="attachment"] img')].map((img) => img.src),
      ...[...el.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[part~="attachment"]')].map((a) => a.href),
    ];
    expect(urls).to.have.length(2);
    revokeSpy = spyOnRevokeObjectURL();

    el.remove();

    expect(revokeSpy.revoked).to.have.members(urls);
  });

  it('puts the messages in a named log', async () => {
    const { provider } = await clinic(['ana']);
    provider.open('ana');

    const el = await renderBox(provider, 'ana');

    const log = $(el, 'messages')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-label')).to.equal('Messages');
    expect($(el, 'box')!.getAttribute('aria-label')).to.equal('Chat with ANA');
    expect(log.textContent!.trim()).to.equal('No messages yet.');
  });

  it('is accessible as provider and as patient, with messages, attachments and a failure (axe)', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const providerBox = await renderBox(provider, 'ana');
    const patientBox = await renderBox(patients.ana, 'ana');
    await patients.ana.send('hello', [await pngFile('rash.png')]);
    await provider.send('hi Ana', [pdfFile('results.pdf')]);
    patients.ana.setTyping(true);
    await waitUntil(() => $$(patientBox, 'attachment').length === 2 && $(providerBox, 'typing')!.textContent !== '');

    await expect(providerBox).to.be.accessible();
    await expect(patientBox).to.be.accessible();
  });

  it('is accessible minimized, ended, and in the dark theme (axe)', async () => {
    const { provider, patients } = await clinic(['ana']);
    await patients.ana.send('hello');
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    provider.open('ana');
    await provider.send('hi Ana');
    const dark = await renderBox(patients.ana, 'ana', 'dark');
    const providerBox = await renderBox(provider, 'ana');
    await expect(dark).to.be.accessible();

    provider.minimize();
    await providerBox.updateComplete;
    await expect(providerBox).to.be.accessible();

    provider.end();
    await waitUntil(() => $(dark, 'banner'));
    await expect(dark).to.be.accessible();
  });

  describe('status that is true', () => {
    /** A clinician and a patient on the two ends of one channel, as on the video-visit page. */
    function call() {
      const channel = new MessageChannel();
      const providerEnd = new PortTransport(channel.port1);
      const provider = new ChatCore({ me: { id: 'dr-lee', name: 'Dr Lee', role: 'provider' }, transport: providerEnd });
      const patient = new ChatCore({ me: { id: 'ana', name: 'ANA', role: 'patient' }, transport: new PortTransport(channel.port2), visit: 'visit-1' });
      provider.start();
      patient.start();
      return { provider, patient, providerEnd, stop: () => (provider.stop(), patient.stop(), channel.port1.close()) };
    }

    it('says the patient is in the video call, not waiting in the queue', async () => {
      const visit = call();
      visit.provider.setQueue([{ id: 'ana', name: 'ANA', visit: 'visit-1', inCall: true }]);
      visit.provider.open('ana');
      const el = await renderBox(visit.provider, 'ana');

      expect($(el, 'status')!.textContent).to.equal('In the video call');
      visit.stop();
    });

    it('says the patient left in the header and the banner alike when the call drops as she leaves', async () => {
      const visit = call();
      visit.provider.setQueue([{ id: 'ana', name: 'ANA', visit: 'visit-1', inCall: true }]);
      visit.provider.open('ana');
      const el = await renderBox(visit.provider, 'ana');

      visit.patient.stop();
      await waitUntil(() => $(el, 'banner'), 'the box did not see ANA leave');
      visit.providerEnd.detach();
      await el.updateComplete;

      expect(visit.provider.state.connection).to.equal('offline');
      expect($(el, 'status')!.textContent).to.equal('Left');
      expect($(el, 'banner')!.textContent).to.equal('ANA has left. You can no longer send messages.');
      visit.stop();
    });
  });

  it('says earlier messages were cleared, not that there are none, when view retention erased them', async () => {
    const { provider, patients } = await clinic(['ana', 'ben'], { retention: 'view' });
    await patients.ana.send('private');
    await waitUntil(() => provider.state.threads[0].messages.length === 1);
    provider.open('ana');
    provider.open('ben');
    provider.open('ana');
    const el = await renderBox(provider, 'ana');

    expect($(el, 'messages')!.textContent!.trim()).to.equal('Earlier messages were cleared.');
  });
});
