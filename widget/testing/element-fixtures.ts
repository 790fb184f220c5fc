// Fixtures for browser tests of the inner elements: real ChatCores talking over a fresh
// BroadcastChannel room, and a stand-in for <clinic-chat>'s host that gives an element
// rendered on its own the theme's private tokens. Test-only; not part of the package.
import { fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement, css, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { Role } from '../../protocol/index.js';
import { ChatCore } from '../core/chat-core.js';
import type { Retention } from '../core/types.js';
import { themeTokens } from '../elements/theme.js';
import { LocalTransport } from '../transports/local.js';

let rooms = 0;
const started = new Set<ChatCore>();

/** A room no other test uses, so cores of earlier tests never hear this one. */
export const nextRoom = (): string => `inner-${Date.now()}-${rooms++}`;

/** Starts a core on a room; `stopCores()` stops it after the test. */
export function startCore(room: string, id: string, role: Role, opts: { retention?: Retention } = {}): ChatCore {
  const core = new ChatCore({
    me: { id, name: role === 'provider' ? 'Dr Lee' : id.toUpperCase(), role },
    transport: new LocalTransport(room),
    visit: 'visit-1',
    ...opts,
  });
  started.add(core);
  core.start();
  return core;
}

/** Stops every core the test started (each says goodbye and closes its channel). */
export function stopCores(): void {
  for (const core of started) core.stop();
  started.clear();
}

/**
 * A provider and patients (named by upper-casing their ids) on one fresh room. Patients join
 * one at a time, so the queue's arrival order is the order of `patientIds`.
 */
export async function clinic(patientIds: readonly string[], opts: { retention?: Retention } = {}) {
  const room = nextRoom();
  const provider = startCore(room, 'dr-lee', 'provider', opts);
  const patients: Record<string, ChatCore> = {};
  for (const id of patientIds) {
    patients[id] = startCore(room, id, 'patient');
    await waitUntil(() => provider.state.threads.some((t) => t.id === id), `${id} did not join the queue`);
    await waitUntil(() => patients[id].state.threads[0].present, `${id} did not see the care team`);
  }
  return { room, provider, patients };
}

/** Stands in for <clinic-chat>'s host: its `--_*` theme tokens inherit into the slotted element. */
export class TestThemeScope extends LitElement {
  static override styles = [
    themeTokens,
    css`
      :host {
        display: block;
        background: var(--_background);
      }
    `,
  ];

  @property({ reflect: true }) theme: 'light' | 'dark' = 'light';

  protected override render(): TemplateResult {
    return html`<slot></slot>`;
  }
}
if (!customElements.get('test-theme-scope')) customElements.define('test-theme-scope', TestThemeScope);

/** Renders an inner element inside a themed scope and returns the element once it has rendered. */
export async function themed<T extends LitElement>(template: TemplateResult, theme: 'light' | 'dark' = 'light'): Promise<T> {
  const scope = await fixture<TestThemeScope>(html`<test-theme-scope theme=${theme}>${template}</test-theme-scope>`);
  const el = scope.firstElementChild as T;
  await el.updateComplete;
  return el;
}

/** Records the object URLs the page revokes, calling through; `restore()` puts the original back. */
export function spyOnRevokeObjectURL(): { revoked: string[]; restore: () => void } {
  const revoked: string[] = [];
  const original = URL.revokeObjectURL;
  URL.revokeObjectURL = (url: string) => {
    revoked.push(url);
    original.call(URL, url);
  };
  return { revoked, restore: () => (URL.revokeObjectURL = original) };
}

/** A real PNG (drawn on a canvas), as a file a user would pick. */
export async function pngFile(name: string, size = 32): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  canvas.getContext('2d')!.fillRect(0, 0, size / 2, size / 2);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], name, { type: 'image/png' });
}

/** A minimal PDF: the core judges type by the leading bytes, which are `%PDF-`. */
export function pdfFile(name: string): File {
  return new File(['%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'], name, { type: 'application/pdf' });
}
