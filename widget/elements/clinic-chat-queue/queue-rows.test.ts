/// <reference types="mocha" />
import { expect, html, waitUntil } from '@open-wc/testing';
import { clinic, stopCores, themed } from '../../testing/element-fixtures.js';
import { peerStateText } from '../peer-state-text.js';
import { ClinicChatQueue } from './clinic-chat-queue.js';

ClinicChatQueue.define();

const row = (el: ClinicChatQueue, id: string, part: string) =>
  el.shadowRoot!.querySelector(`[data-id="${id}"] [part~="${part}"]`)?.textContent?.trim() ?? null;

describe('the rows of <clinic-chat-queue>', () => {
  afterEach(stopCores);

  it('shows each waiting patient\'s last message on one line, cut with an ellipsis', async () => {
    const { provider, patients } = await clinic(['ana']);
    const el = await themed<ClinicChatQueue>(html`<clinic-chat-queue .core=${provider} .state=${provider.state}></clinic-chat-queue>`);
    provider.subscribe((state) => (el.state = state));
    const long = `My prescription ran out ${'and I need a refill '.repeat(10)}`;

    await patients.ana.send(long);
    await waitUntil(() => row(el, 'ana', 'queue-preview') === long.trim(), 'no preview of the last message');

    const previewEl = el.shadowRoot!.querySelector<HTMLElement>('[part~="queue-preview"]')!;
    expect(getComputedStyle(previewEl).textOverflow).to.equal('ellipsis');
    expect(previewEl.scrollWidth).to.be.greaterThan(previewEl.clientWidth);
  });

  it('shows how long a patient has waited and updates it each minute, on a timer it clears when removed', async () => {
    const { provider } = await clinic(['ana']);
    const realNow = Date.now;
    const realSetInterval = window.setInterval;
    const realClearInterval = window.clearInterval;
    const ticks = new Map<number, () => void>();
    const cleared: number[] = [];
    window.setInterval = ((fn: () => void, ms: number) => {
      const id = realSetInterval(() => undefined, 1e9);
      if (ms === 60_000) ticks.set(id, fn);
      return id;
    }) as typeof setInterval;
    window.clearInterval = ((id: number) => {
      cleared.push(id);
      realClearInterval(id);
    }) as typeof clearInterval;
    try {
      const el = await themed<ClinicChatQueue>(html`<clinic-chat-queue .core=${provider} .state=${provider.state}></clinic-chat-queue>`);
      expect(row(el, 'ana', 'queue-waiting')).to.equal('Waiting under a minute');
      expect(ticks.size).to.equal(1);

      Date.now = () => realNow() + 5 * 60_000 + 1000;
      for (const tick of ticks.values()) tick();
      await el.updateComplete;
      expect(row(el, 'ana', 'queue-waiting')).to.equal('Waiting 5 min');

      el.remove();
      expect(cleared).to.include([...ticks.keys()][0]);
    } finally {
      Date.now = realNow;
      window.setInterval = realSetInterval;
      window.clearInterval = realClearInterval;
    }
  });

  it('says a waiting patient is waiting once, with the time, in the box header\'s words otherwise', async () => {
    const { provider, patients } = await clinic(['ana', 'ben', 'cy']);
    const el = await themed<ClinicChatQueue>(html`<clinic-chat-queue .core=${provider} .state=${provider.state}></clinic-chat-queue>`);
    provider.subscribe((state) => (el.state = state));
    const rowText = (id: string) => el.shadowRoot!.querySelector(`[data-id="${id}"]`)!.textContent!.replace(/\s+/g, ' ').trim();

    provider.setQueue([{ id: 'ben', name: 'BEN', inCall: true }]);
    patients.cy.stop();
    await waitUntil(() => row(el, 'cy', 'queue-status') === 'Left', 'the queue did not see CY leave');

    expect(rowText('ana')).to.equal('ANA Waiting under a minute');
    expect(rowText('ana').match(/waiting/gi)).to.have.length(1);
    expect(row(el, 'ana', 'queue-waiting')).to.equal('Waiting under a minute');
    expect(row(el, 'ben', 'queue-status')).to.equal(peerStateText('in-call', 'provider'));
    expect(row(el, 'cy', 'queue-status')).to.equal(peerStateText('left', 'provider'));
    expect([row(el, 'ben', 'queue-waiting'), row(el, 'cy', 'queue-waiting')]).to.deep.equal([null, null]);
  });
});
