/// <reference types="mocha" />
// The composer in the shared inbox: Reply / Internal note, @mention suggestions by keyboard and
// mouse, notes that carry only the mentions still in their text, and no typing frame for a note.
import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { MentionTarget } from '../../../protocol/inbox.js';
import type { ChatCore } from '../../core/chat-core.js';
import { clinic, stopCores, themed } from '../../testing/element-fixtures.js';
import { ClinicChatComposer, type NoteWriting } from './clinic-chat-composer.js';

ClinicChatComposer.define();

const $ = <T extends HTMLElement = HTMLElement>(el: ClinicChatComposer, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const input = (el: ClinicChatComposer) => $<HTMLTextAreaElement>(el, '[part~="input"]');
const options = (el: ClinicChatComposer) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="mention-option"]')].map((o) => o.textContent!.replace(/\s+/g, ' ').trim());

function writing(opts: { fail?: string } = {}) {
  const added: Array<{ text: string; mentions: MentionTarget[] }> = [];
  const notes: NoteWriting = {
    mentionables: [
      { kind: 'staff', id: 's-kim', name: 'Nurse Kim' },
      { kind: 'staff', id: 's-ruiz', name: 'Dr Ruiz' },
      { kind: 'list', id: 'l-nurses', name: 'Nurses' },
    ],
    add: async (text, mentions) => {
      if (opts.fail) throw new Error(opts.fail);
      added.push({ text, mentions });
    },
  };
  return { notes, added };
}

async function noteComposer(core: ChatCore, notes: NoteWriting): Promise<ClinicChatComposer> {
  const el = await themed<ClinicChatComposer>(html`<clinic-chat-composer .core=${core} .notes=${notes}></clinic-chat-composer>`);
  $(el, '[part~="mode-note"]').click();
  await el.updateComplete;
  return el;
}

describe('<clinic-chat-composer> writing internal notes', () => {
  afterEach(() => stopCores());

  it('switches between Reply and Internal note, and a note has no attach button', async () => {
    const { provider } = await clinic(['ana']);
    const { notes } = writing();
    const el = await noteComposer(provider, notes);
    expect($(el, '[part~="mode-note"]').getAttribute('aria-pressed')).to.equal('true');
    expect(input(el).getAttribute('aria-label')).to.equal('Internal note');
    expect(el.shadowRoot!.querySelector('[part~="attach-button"]')).to.equal(null);
    expect($(el, '[part~="send-button"]').textContent!.trim()).to.equal('Add note');
    $(el, '[part~="mode-reply"]').click();
    await el.updateComplete;
    expect(input(el).getAttribute('aria-label')).to.equal('Message');
    expect(el.shadowRoot!.querySelector('[part~="attach-button"]')).not.to.equal(null);
  });

  it('suggests people and teams after @, Down and Enter pick one, and the note carries that mention', async () => {
    const { provider } = await clinic(['ana']);
    const { notes, added } = writing();
    const el = await noteComposer(provider, notes);
    el.focus();
    await sendKeys({ type: 'please @nur' });
    await el.updateComplete;
    expect(options(el)).to.deep.equal(['Nurse Kim', 'Nurses team']);
    // A textbox takes no aria-expanded (axe: aria-allowed-attr); the open list is what it controls.
    expect(input(el).getAttribute('aria-controls')).to.equal('mention-list');
    expect(input(el).hasAttribute('aria-expanded')).to.equal(false);
    expect(input(el).getAttribute('aria-activedescendant')).to.equal('mention-0');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(input(el).value).to.equal('please @Nurses ');
    expect(options(el)).to.deep.equal([]);
    await sendKeys({ type: 'check the dose' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => added.length === 1);
    expect(added[0]).to.deep.equal({ text: 'please @Nurses check the dose', mentions: [{ kind: 'list', id: 'l-nurses' }] });
    expect(input(el).value).to.equal('');
  });

  it('Escape closes the suggestions only, and a mention deleted from the text is not sent', async () => {
    const { provider } = await clinic(['ana']);
    const { notes, added } = writing();
    const el = await noteComposer(provider, notes);
    el.focus();
    let escaped = 0;
    el.parentElement!.addEventListener('keydown', (e) => e.key === 'Escape' && escaped++);
    await sendKeys({ type: '@dr' });
    await el.updateComplete;
    expect(options(el)).to.deep.equal(['Dr Ruiz']);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(options(el)).to.deep.equal([]);
    expect(escaped).to.equal(0);
    input(el).value = '';
    await sendKeys({ type: '@dr' });
    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(input(el).value).to.equal('@Dr Ruiz ');
    input(el).value = 'never mind, solved';
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => added.length === 1);
    expect(added[0].mentions).to.deep.equal([]);
  });

  it('a refused note keeps its text and says why; writing a note sends no typing frame', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const { notes } = writing({ fail: 'the hub is unreachable' });
    const el = await noteComposer(provider, notes);
    el.focus();
    await sendKeys({ type: 'private remark' });
    await new Promise((r) => setTimeout(r, 200));
    expect(patients.ana.state.threads[0].typing).to.deep.equal([]);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => $(el, '[part~="error"]').textContent!.includes('not added'));
    expect($(el, '[part~="error"]').textContent!.trim()).to.equal('The note was not added: the hub is unreachable');
    expect(input(el).value).to.equal('private remark');
  });

  it('keeps a draft per mode: a half-written note never becomes a reply by switching and pressing Enter', async () => {
    const { provider, patients } = await clinic(['ana']);
    provider.open('ana');
    const { notes, added } = writing();
    const el = await themed<ClinicChatComposer>(html`<clinic-chat-composer .core=${provider} .notes=${notes}></clinic-chat-composer>`);
    el.focus();
    await sendKeys({ type: 'dear Ana' });
    $(el, '[part~="mode-note"]').click();
    await el.updateComplete;
    expect(input(el).value).to.equal('');
    await sendKeys({ type: 'private: check her dose' });
    $(el, '[part~="mode-reply"]').click();
    await el.updateComplete;
    expect(input(el).value).to.equal('dear Ana');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => patients.ana.state.threads[0].messages.length === 1);
    expect(patients.ana.state.threads[0].messages[0].text).to.equal('dear Ana');
    $(el, '[part~="mode-note"]').click();
    await el.updateComplete;
    expect(input(el).value).to.equal('private: check her dose');
    expect(added).to.deep.equal([]);
  });

  it('offers its empty action on the send button while nothing is written', async () => {
    const { provider } = await clinic(['ana']);
    let asked = 0;
    const { notes } = writing();
    const el = await themed<ClinicChatComposer>(
      html`<clinic-chat-composer .core=${provider} .notes=${{ ...notes, emptyAction: { label: 'Assign…', run: () => asked++ } }}></clinic-chat-composer>`,
    );
    expect($(el, '[part~="send-button"]').textContent!.trim()).to.equal('Assign…');
    $(el, '[part~="send-button"]').click();
    expect(asked).to.equal(1);
    el.focus();
    await sendKeys({ type: 'x' });
    await el.updateComplete;
    expect($(el, '[part~="send-button"]').textContent!.trim()).to.equal('Send');
  });
});
