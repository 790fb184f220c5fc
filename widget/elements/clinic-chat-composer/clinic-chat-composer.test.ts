/// <reference types="mocha" />
import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LIMITS } from '../../../protocol/index.js';
import type { ChatCore } from '../../core/chat-core.js';
import { clinic, pdfFile, pngFile, spyOnRevokeObjectURL, stopCores, themed } from '../../testing/element-fixtures.js';
import { ClinicChatComposer } from './clinic-chat-composer.js';

ClinicChatComposer.define();

async function renderComposer(core: ChatCore, opts: { disabled?: boolean; reason?: string } = {}): Promise<ClinicChatComposer> {
  return themed<ClinicChatComposer>(
    html`<clinic-chat-composer .core=${core} ?disabled=${opts.disabled ?? false} disabled-reason=${opts.reason ?? ''}></clinic-chat-composer>`,
  );
}

const $ = <T extends HTMLElement = HTMLElement>(el: ClinicChatComposer, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const input = (el: ClinicChatComposer) => $<HTMLTextAreaElement>(el, '[part~="input"]');
const chips = (el: ClinicChatComposer) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="file-chip"]')];
const chipNames = (el: ClinicChatComposer) => chips(el).map((chip) => chip.querySelector('span')!.textContent);
const errorText = (el: ClinicChatComposer) => $(el, '[part~="error"]').textContent!.trim();
const sent = (core: ChatCore) => core.state.threads[0].messages.filter((m) => m.mine);

describe('<clinic-chat-composer>', () => {
  let revokeSpy: ReturnType<typeof spyOnRevokeObjectURL> | undefined;

  afterEach(() => {
    revokeSpy?.restore();
    revokeSpy = undefined;
    stopCores();
  });

  it('sends the text through the core with Enter and clears the input', async () => {
    const { provider, patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    el.focus();

    await sendKeys({ type: 'hello there' });
    await sendKeys({ press: 'Enter' });

    await waitUntil(() => provider.state.threads[0].messages.length === 1, 'the care team did not get the message');
    expect(provider.state.threads[0].messages[0].text).to.equal('hello there');
    expect(sent(patients.ana).map((m) => m.text)).to.deep.equal(['hello there']);
    expect(input(el).value).to.equal('');
  });

  it('starts a new line with Shift+Enter instead of sending', async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    el.focus();

    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });

    expect(input(el).value).to.equal('line one\nline two');
    expect(sent(patients.ana)).to.have.length(0);
  });

  it('sends nothing, and shows no error, for whitespace-only text', async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    el.focus();

    await sendKeys({ type: '   ' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ press: 'Enter' });
    $<HTMLButtonElement>(el, '[part~="send-button"]').click();
    await el.updateComplete;

    expect(sent(patients.ana)).to.have.length(0);
    expect(errorText(el)).to.equal('');
  });

  it('disables the input, attach and send when disabled, and gives the reason to screen readers', async () => {
    const { patients } = await clinic(['ana']);

    const el = await renderComposer(patients.ana, { disabled: true, reason: 'This chat has ended.' });

    expect(input(el).disabled).to.equal(true);
    expect($<HTMLButtonElement>(el, '[part~="attach-button"]').disabled).to.equal(true);
    expect($<HTMLButtonElement>(el, '[part~="send-button"]').disabled).to.equal(true);
    expect(input(el).placeholder).to.equal('Messaging is closed');
    expect($(el, '#hint').textContent!.trim()).to.equal('This chat has ended.');
    expect(input(el).getAttribute('aria-describedby')).to.equal('hint error');
  });

  it('refuses a file that is not an image or PDF, whatever its name, with the core\'s reason in an alert', async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    const fake = new File(['just some text, not a picture'], 'x.png', { type: 'image/png' });
    const problem = await patients.ana.checkFile(fake);

    await el.addFiles([fake]);
    await el.updateComplete;

    expect(problem!.code).to.equal('unsupported-type');
    expect(errorText(el)).to.equal(problem!.message);
    expect($(el, '[part~="error"]').getAttribute('role')).to.equal('alert');
    expect(chipNames(el)).to.deep.equal([]);
  });

  it('shows a picked PNG as a chip whose remove button takes it off again and frees its preview', async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    await el.addFiles([await pngFile('dot.png')]);
    await el.updateComplete;
    expect(chipNames(el)).to.deep.equal(['dot.png']);
    const [chip] = chips(el);
    const preview = chip.querySelector('img')!.src;
    const remove = chip.querySelector('button')!;
    expect(remove.getAttribute('aria-label')).to.equal('Remove dot.png');
    revokeSpy = spyOnRevokeObjectURL();

    remove.click();
    await el.updateComplete;

    expect(chipNames(el)).to.deep.equal([]);
    expect(revokeSpy.revoked).to.deep.equal([preview]);
    expect(el.shadowRoot!.activeElement === input(el), 'focus went back to the input').to.equal(true);
  });

  it('sends the picked files with the message and clears the chips', async () => {
    const { provider, patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    await el.addFiles([await pngFile('dot.png'), pdfFile('notes.pdf')]);
    el.focus();

    await sendKeys({ press: 'Enter' });

    await waitUntil(() => provider.state.threads[0].messages[0]?.attachments.every((a) => a.blob), 'the files did not arrive');
    expect(provider.state.threads[0].messages[0].attachments.map((a) => [a.name, a.mime])).to.deep.equal([
      ['dot.png', 'image/png'],
      ['notes.pdf', 'application/pdf'],
    ]);
    await el.updateComplete;
    expect(chipNames(el)).to.deep.equal([]);
  });

  it(`attaches at most ${LIMITS.attachmentsPerMessage} files and says so`, async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    const files = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => pngFile(`photo-${i}.png`)));

    await el.addFiles(files);
    await el.updateComplete;

    expect(chipNames(el)).to.deep.equal(['photo-1.png', 'photo-2.png', 'photo-3.png', 'photo-4.png', 'photo-5.png']);
    expect(errorText(el)).to.equal('At most 5 files per message.');
  });

  it('is accessible with a picked file and an error (axe)', async () => {
    const { patients } = await clinic(['ana']);
    const el = await renderComposer(patients.ana);
    await el.addFiles([await pngFile('dot.png'), new File(['text'], 'x.png')]);
    await el.updateComplete;
    expect(errorText(el)).not.to.equal('');

    await expect(el).to.be.accessible();
  });

  it('is accessible when disabled (axe)', async () => {
    const { patients } = await clinic(['ana']);

    const el = await renderComposer(patients.ana, { disabled: true, reason: 'This chat has ended.' });

    await expect(el).to.be.accessible();
  });
});
