// New chat, in the inbox's detail pane: find a patient by name, phone or external id, or (with
// `patients.create`) add one, then write the first message. Every step is a call on the core.
import { html, nothing } from 'lit';
import type { PatientHit } from '../../../protocol/inbox.js';
import { displayName } from '../../format.js';
import type { InboxState } from '../../inbox/inbox-core.js';
import { may } from '../../inbox/inbox-state.js';
import type { NewChatState } from '../../inbox/inbox-new-chat.js';

export interface NewChatActions {
  close(): void;
  find(query: string): void;
  start(patient: PatientHit): void;
  create(input: { name: string; phone?: string; externalId?: string }): void;
}

export function renderNewChat(chat: NewChatState, state: InboxState, act: NewChatActions) {
  const location = (id: string | null) => state.locations.find((l) => l.id === id)?.name;
  const onCreate = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '').trim() || undefined;
    const name = text('name');
    if (!name) return;
    act.create({ name, ...(text('phone') && { phone: text('phone')! }), ...(text('externalId') && { externalId: text('externalId')! }) });
  };
  return html`<div part="new-chat">
    <div class="settings-head">
      <h2 id="new-chat-title">New chat</h2>
      <button part="new-chat-close" type="button" @click=${() => act.close()}>Cancel</button>
    </div>
    <form role="search" aria-label="Find a patient" @submit=${(e: Event) => e.preventDefault()}>
      <label
        >Find a patient
        <input
          part="new-chat-search"
          type="search"
          autocomplete="off"
          placeholder="Name, phone or patient ID"
          .value=${chat.query}
          @input=${(e: Event) => act.find((e.target as HTMLInputElement).value)}
      /></label>
    </form>
    <p class="visually-hidden" role="status">${chat.query.trim() && !chat.searching ? `${chat.results.length} found` : ''}</p>
    ${chat.results.length
      ? html`<ul part="new-chat-results" aria-label="Patients found">
          ${chat.results.map(
            (p) => html`<li>
              <span class="who"
                ><strong>${displayName(p.name)}</strong>
                <span class="meta">${[p.phone, p.externalId, location(p.locationId)].filter(Boolean).join(' · ')}</span></span
              >
              <button part="new-chat-start" type="button" aria-label=${`${p.conversation ? 'Open the conversation with' : 'Start a chat with'} ${displayName(p.name)}`} @click=${() => act.start(p)}>
                ${p.conversation ? 'Open conversation' : 'Start chat'}
              </button>
            </li>`,
          )}
        </ul>`
      : chat.query.trim() && !chat.searching
      ? html`<p part="new-chat-empty">No patient matches “${chat.query.trim()}”.</p>`
      : nothing}
    ${may(state, 'patients.create')
      ? html`<form part="new-patient" @submit=${onCreate}>
          <h3>Add a patient</h3>
          <label>Name <input name="name" required maxlength="120" autocomplete="off" /></label>
          <label>Phone <input name="phone" type="tel" autocomplete="off" /></label>
          <label>Patient ID <span class="hint">(optional: your system's id)</span> <input name="externalId" autocomplete="off" maxlength="64" /></label>
          <button part="new-patient-create" type="submit">Add and start a chat</button>
        </form>`
      : nothing}
  </div>`;
}
