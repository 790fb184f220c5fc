/// <reference types="mocha" />
// "Save transcript" over the real ephemeral (BroadcastChannel) transport: the care team saves
// the visit as text or FHIR JSON from the box, from the "End this chat?" question and, after the
// chat ended, from the queue; the file is a Blob download and nothing is written to storage.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../define.js';
import type { ClinicChat } from '../clinic-chat/clinic-chat.js';
import { deepActiveElement, deepQuery } from '../../testing/deep-query.js';
import { clickOn } from '../../testing/pointer.js';
import { addClinicChat, providerWithAnaOpen } from '../../testing/clinic-chat-fixtures.js';

let room = 0;
const nextRoom = () => `save-${Date.now()}-${room++}`;

interface Download {
  name: string;
  url: string;
  blob: Blob;
}

/**
 * Captures downloads: `URL.createObjectURL` is wrapped only to see the Blob behind a URL, and
 * a click on an `<a download>` is stopped (after it is seen) so the browser saves nothing.
 */
function captureDownloads() {
  const blobs = new Map<string, Blob>();
  const files: Download[] = [];
  const revoked: string[] = [];
  const create = URL.createObjectURL;
  const revoke = URL.revokeObjectURL;
  URL.createObjectURL = (obj: Blob | MediaSource) => {
    const url = create.call(URL, obj);
    if (obj instanceof Blob) blobs.set(url, obj);
    return url;
  };
  URL.revokeObjectURL = (url: string) => {
    revoked.push(url);
    revoke.call(URL, url);
  };
  const onClick = (event: MouseEvent) => {
    const target = event.composedPath()[0];
    if (!(target instanceof HTMLAnchorElement) || !target.hasAttribute('download')) return;
    event.preventDefault();
    files.push({ name: target.download, url: target.href, blob: blobs.get(target.href)! });
  };
  window.addEventListener('click', onClick, true);
  return {
    files,
    revoked,
    restore() {
      URL.createObjectURL = create;
      URL.revokeObjectURL = revoke;
      window.removeEventListener('click', onClick, true);
    },
  };
}

let downloads: ReturnType<typeof captureDownloads>;
beforeEach(() => (downloads = captureDownloads()));
afterEach(() => downloads.restore());

/** Dr Lee with Ana's chat open and two messages each way seen by both. */
async function chatWithMessages() {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
  const { provider, patient } = await providerWithAnaOpen(wrapper, nextRoom());
  provider.clinicName = 'Northside Clinic';
  await patient.send('My knee hurts since Monday');
  await waitUntil(() => provider.state!.threads[0].messages.length === 1, 'the patient\'s message did not arrive');
  await provider.send('Can you send a photo?');
  await waitUntil(() => patient.state!.threads[0].messages.length === 2, 'the reply did not arrive');
  await provider.updateComplete;
  return { provider, patient };
}

const part = (el: ClinicChat, name: string) => deepQuery<HTMLButtonElement>(el, `[part~="${name}"]`);
const focusedPart = () => deepActiveElement()?.getAttribute('part');

async function saveAs(provider: ClinicChat, format: 'text' | 'fhir'): Promise<Download> {
  const before = downloads.files.length;
  await clickOn(part(provider, 'save-transcript')!);
  await waitUntil(() => part(provider, 'save-transcript-menu'), 'the formats were not shown');
  await clickOn(deepQuery(provider, `[part~="save-transcript-menu"] [part~="save-transcript-${format}"]`)!);
  await waitUntil(() => downloads.files.length === before + 1, 'nothing was downloaded');
  return downloads.files.at(-1)!;
}

describe('"Save transcript" in <clinic-chat> (care team)', () => {
  it('saves the visit as text with every message, from a Blob URL that is revoked after', async () => {
    const { provider } = await chatWithMessages();

    const file = await saveAs(provider, 'text');

    expect(file.name).to.match(/^chat-transcript-ana-\d{4}-\d{2}-\d{2}\.txt$/);
    expect(file.blob.type).to.equal('text/plain;charset=utf-8');
    const text = await file.blob.text();
    expect(text).to.contain('Chat transcript — Northside Clinic');
    expect(text).to.contain('Patient: Ana (ana)');
    expect(text).to.contain('Ana (patient):\n    My knee hurts since Monday');
    expect(text).to.contain('Dr Lee (care team):\n    Can you send a photo?');
    await waitUntil(() => downloads.revoked.includes(file.url), 'the Blob URL was not revoked');
    expect(part(provider, 'save-transcript-menu')).to.equal(null);
    expect(focusedPart()).to.equal('save-transcript');
  });

  it('saves the visit as a FHIR R4 Bundle with one Communication per message', async () => {
    const { provider } = await chatWithMessages();

    const file = await saveAs(provider, 'fhir');

    expect(file.name).to.match(/^chat-transcript-ana-\d{4}-\d{2}-\d{2}\.json$/);
    const bundle = JSON.parse(await file.blob.text());
    expect(bundle.resourceType).to.equal('Bundle');
    expect(bundle.entry).to.have.length(2);
    expect(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).to.deep.equal(['Communication', 'Communication']);
    expect(bundle.entry[0].resource.payload).to.deep.equal([{ contentString: 'My knee hurts since Monday' }]);
    expect(bundle.entry[1].resource.sender.display).to.equal('Dr Lee');
  });

  it('offers saving in the "End this chat?" question, and keeps it after the chat ended, in the box and in the queue', async () => {
    const { provider } = await chatWithMessages();
    await clickOn(part(provider, 'end-button')!);
    await waitUntil(() => part(provider, 'end-save'), 'the question did not offer saving');

    await clickOn(deepQuery(provider, '[part~="end-save"] [part~="save-transcript-text"]')!);
    await waitUntil(() => downloads.files.length === 1, 'nothing was downloaded from the question');
    expect(await downloads.files[0]!.blob.text()).to.contain('Can you send a photo?');
    expect(part(provider, 'end-confirm'), 'saving answered the question').to.not.equal(null);
    await clickOn(part(provider, 'end-confirm-button')!);
    await waitUntil(() => provider.state!.threads[0].ended, 'the chat did not end');
    await provider.updateComplete;

    const afterEnd = await saveAs(provider, 'text');
    expect(await afterEnd.blob.text()).to.contain('Conversation: visit-1 (closed)');

    provider.close();
    await provider.updateComplete;
    const inQueue = await saveAs(provider, 'fhir');
    expect(part(provider, 'save-transcript')!.getAttribute('aria-label')).to.equal('Save transcript of Ana');
    expect(JSON.parse(await inQueue.blob.text()).entry).to.have.length(2);
  });

  it('stays in the queue for a patient who left, until they are dismissed', async () => {
    const { provider, patient } = await chatWithMessages();
    provider.close();
    await provider.updateComplete;
    expect(part(provider, 'save-transcript'), 'offered in the queue while the patient is still here').to.equal(null);

    patient.remove();
    await waitUntil(() => part(provider, 'save-transcript'), 'the queue did not offer saving when the patient left');
    const file = await saveAs(provider, 'text');
    expect(await file.blob.text()).to.contain('My knee hurts since Monday');

    await clickOn(part(provider, 'save-transcript')!);
    await waitUntil(() => part(provider, 'save-transcript-menu'));
    await clickOn(part(provider, 'dismiss-button')!);
    await waitUntil(() => !part(provider, 'save-transcript-menu'), 'the formats outlived the dismissed patient');
    expect(part(provider, 'save-transcript')).to.equal(null);
  });

  it('goes with the thread under view retention: nothing to save once it is erased', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 800px"></div>`);
    const provider = addClinicChat(wrapper, nextRoom(), 'provider', 'dr-lee', 'Dr Lee', { retention: 'view' });
    const patient = addClinicChat(wrapper, provider.room, 'patient', 'ana', 'Ana');
    await waitUntil(() => provider.state?.threads.length === 1 && patient.state?.threads[0].present);
    await patient.send('erase me');
    await provider.open('ana');
    await waitUntil(() => part(provider, 'save-transcript'), 'not offered while the box is open');
    patient.remove();
    await waitUntil(() => !provider.state!.threads[0].present);

    provider.close();
    await provider.updateComplete;

    expect(provider.state!.threads[0].messages).to.have.length(0);
    expect(part(provider, 'save-transcript')).to.equal(null);
  });

  it('is keyboard operable: Enter shows the formats, Escape hides them without minimizing the box', async () => {
    const { provider } = await chatWithMessages();
    part(provider, 'save-transcript')!.focus();

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focusedPart() === 'save-transcript-text', 'focus did not move to the first format');
    expect(part(provider, 'save-transcript')!.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(provider, 'save-transcript-menu'), 'Escape did not hide the formats');
    expect(focusedPart()).to.equal('save-transcript');
    expect(provider.state!.box).to.equal('open');

    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focusedPart() === 'save-transcript-text');
    await sendKeys({ press: 'Tab' });
    expect(focusedPart()).to.equal('save-transcript-fhir');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => downloads.files.length === 1, 'Enter did not save');
    expect(downloads.files[0]!.name).to.match(/\.json$/);
  });

  it('is not offered to the patient', async () => {
    const { patient } = await chatWithMessages();
    expect(part(patient, 'save-transcript')).to.equal(null);
  });

  it('writes nothing to any storage', async () => {
    const { provider } = await chatWithMessages();
    await saveAs(provider, 'text');
    await saveAs(provider, 'fhir');
    expect(localStorage.length).to.equal(0);
    expect(sessionStorage.length).to.equal(0);
    expect(document.cookie).to.equal('');
    expect(await indexedDB.databases()).to.deep.equal([]);
    expect(await caches.keys()).to.deep.equal([]);
  });

  it('is accessible with the formats and the question shown, light and dark (axe)', async () => {
    const { provider } = await chatWithMessages();
    await clickOn(part(provider, 'save-transcript')!);
    await clickOn(part(provider, 'end-button')!);
    await waitUntil(() => part(provider, 'save-transcript-menu') && part(provider, 'end-save'));
    await expect(provider).to.be.accessible();
    provider.theme = 'dark';
    await provider.updateComplete;
    await expect(provider).to.be.accessible();
  });
});
