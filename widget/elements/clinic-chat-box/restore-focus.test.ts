/// <reference types="mocha" />
import { expect, html, waitUntil } from '@open-wc/testing';
import { clinic, stopCores, themed } from '../../testing/element-fixtures.js';
import { ClinicChatBox } from './clinic-chat-box.js';

ClinicChatBox.define();

describe('restoring a minimized <clinic-chat-box>', () => {
  afterEach(stopCores);

  it('puts focus in the composer, so the provider can write at once', async () => {
    const { provider } = await clinic(['ana']);
    provider.open('ana');
    provider.minimize();
    const thread = () => provider.state.threads.find((t) => t.id === 'ana');
    const el = await themed<ClinicChatBox>(
      html`<clinic-chat-box .core=${provider} .state=${provider.state} .thread=${thread()} minimized></clinic-chat-box>`,
    );
    provider.subscribe((state) => {
      el.state = state;
      el.thread = thread();
      el.minimized = state.box === 'minimized';
    });

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="minimize-button"]')!.click();

    await waitUntil(() => el.shadowRoot!.activeElement?.localName === 'clinic-chat-composer', 'focus did not reach the composer');
    const composer = el.shadowRoot!.activeElement!;
    expect(composer.shadowRoot!.activeElement?.getAttribute('part')).to.contain('input');
  });
});
