// The header of the conversation in view: the patient, where they are, who else is viewing,
// and the inbox's actions (claim or release, assign, close or reopen, mark unread, opt out, back,
// and for a role with `settings.manage` the legal hold).
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { InboxEntry } from '../../../protocol/inbox.js';
import type { ThreadState } from '../../core/types.js';
import { displayName } from '../../format.js';
import type { Assignee } from '../../inbox/inbox-api.js';
import type { InboxState } from '../../inbox/inbox-core.js';
import { may } from '../../inbox/inbox-state.js';
import { peerStateText } from '../peer-state-text.js';

export interface HeaderActions {
  back(): void;
  claim(): void;
  release(): void;
  assign(to: Assignee): void;
  close(): void;
  reopen(): void;
  markUnread(): void;
  urgent(on: boolean): void;
  legalHold(on: boolean): void;
  optOut(): void;
  dismissMentions(): void;
  setPrimary(patient: string): void;
  merge(duplicate: string): void;
  /** Downloads (text, FHIR) or opens (the printable page) the transcript; `internal` adds the notes. */
  transcript(format: 'text' | 'html' | 'fhir', internal: boolean): void;
  closeAndEmail(to: string, internal: boolean): void;
  loadDisplayName(): void;
  saveDisplayName(scope: 'conversation' | 'own', name: string | null): void;
}

const assigneeValue = (a: InboxEntry['assignee']) => (a ? `${a.kind}:${a.id}` : '');

export function renderHeader(entry: InboxEntry, state: InboxState, thread: ThreadState | undefined, nameOf: (id: string) => string, act: HeaderActions) {
  const name = displayName(entry.patient.name);
  const mine = entry.claimedBy !== null && entry.claimedBy === state.me?.id;
  const viewers = (state.viewers[entry.id] ?? []).map((v) => displayName(v.name));
  const status = thread ? peerStateText(thread.peerState, 'provider') : entry.ended ? 'Chat ended' : '';
  return html`<div part="conversation-header">
    <div class="title-row">
      <button part="back-button" type="button" aria-label="Back to the inbox" @click=${() => act.back()}>←</button>
      <div class="heading">
        <h2 part="title" id="conversation-title" title=${name}>${name}</h2>
        <span part="status">${entry.status === 'closed' ? 'Closed' : status}</span>
      </div>
    </div>
    ${viewers.length ? html`<p part="viewers">${viewers.join(', ')} ${viewers.length > 1 ? 'are' : 'is'} viewing this conversation</p>` : nothing}
    ${entry.mark.mentions > 0
      ? html`<p part="mentioned">
          You are mentioned in a note here.
          <button part="dismiss-mention-button" type="button" @click=${() => act.dismissMentions()}>Dismiss</button>
        </p>`
      : nothing}
    ${entry.optedOutAt !== null
      ? html`<p part="opted-out" role="note"><strong>Opted out</strong> of messages: replies to ${name} will not be sent. Internal notes can still be written.</p>`
      : nothing}
    ${renderContact(entry, state, act)}
    ${entry.claimedBy && !mine ? html`<p part="claimed">${nameOf(entry.claimedBy)} is handling this conversation.</p>` : nothing}
    ${may(state, 'chats.write') ? renderActions(entry, state, name, mine, act) : renderReadActions(entry, state, act)}
  </div>`;
}

/** What a reader whose role does not write may still do: their own unread mark, and legal hold and the transcript if granted. */
function renderReadActions(entry: InboxEntry, state: InboxState, act: HeaderActions) {
  return html`<div part="conversation-actions" role="group" aria-label="Conversation actions">
    <button part="unread-button" type="button" @click=${() => act.markUnread()}>Mark unread</button>
    ${may(state, 'settings.manage') ? renderLegalHold(entry, act) : nothing}
    ${may(state, 'transcripts.export') ? renderTranscript(entry, act, false) : nothing}
  </div>`;
}

function renderActions(entry: InboxEntry, state: InboxState, name: string, mine: boolean, act: HeaderActions) {
  const onAssign = (e: Event) => {
    const value = (e.target as HTMLSelectElement).value;
    const [kind, id] = value.split(':') as ['staff' | 'list', string];
    act.assign(value ? { kind, id } : null);
  };
  return html`<div part="conversation-actions" role="group" aria-label="Conversation actions">
      ${entry.status === 'open'
        ? mine
          ? html`<button part="release-button" type="button" @click=${() => act.release()}>Release</button>`
          : html`<button part="claim-button" type="button" ?disabled=${entry.claimedBy !== null} @click=${() => act.claim()}>I'm handling this</button>`
        : nothing}
      <label part="assign"
        >Assign
        <select part="assign-select" .value=${live(assigneeValue(entry.assignee))} @change=${onAssign}>
          <option value="" ?selected=${entry.assignee === null}>Unassigned</option>
          <optgroup label="Teams">
            ${state.lists.map((l) => html`<option value=${`list:${l.id}`} ?selected=${assigneeValue(entry.assignee) === `list:${l.id}`}>${l.name}</option>`)}
          </optgroup>
          <optgroup label="People">
            ${state.staff.map(
              (s) => html`<option value=${`staff:${s.id}`} ?selected=${assigneeValue(entry.assignee) === `staff:${s.id}`}>${s.id === state.me?.id ? `${s.name} (me)` : s.name}</option>`,
            )}
          </optgroup>
        </select></label
      >
      ${entry.status === 'open'
        ? html`<button part="close-conversation-button" type="button" @click=${() => act.close()}>Close</button>`
        : html`<button part="reopen-button" type="button" @click=${() => act.reopen()}>Restart conversation</button>`}
      <button part="urgent-button" type="button" aria-pressed=${entry.urgency > 0 ? 'true' : 'false'} @click=${() => act.urgent(!(entry.urgency > 0))}>Urgent</button>
      <button part="unread-button" type="button" @click=${() => act.markUnread()}>Mark unread</button>
      ${may(state, 'settings.manage') ? renderLegalHold(entry, act) : nothing}
      ${may(state, 'transcripts.export') ? renderTranscript(entry, act, true) : nothing}
      ${renderDisplayName(entry, state, act)}
      ${entry.optedOutAt === null
        ? html`<details part="opt-out" class="menu">
            <summary part="opt-out-button">Opt out of messages</summary>
            <div class="panel">
              <p>${name} will get no more messages from the team. This is permanent: it cannot be undone.</p>
              <button part="opt-out-confirm" type="button" @click=${() => act.optOut()}>Opt out permanently</button>
            </div>
          </details>`
        : nothing}
    </div>`;
}

/** "Name shown to the patient": mine here, or my default everywhere (as in the vet dashboard's options menu). */
function renderDisplayName(entry: InboxEntry, state: InboxState, act: HeaderActions) {
  const names = state.displayName?.for === entry.id ? state.displayName : undefined;
  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const name = String(form.get('name') ?? '').trim();
    act.saveDisplayName(form.get('scope') === 'own' ? 'own' : 'conversation', name || null);
  };
  return html`<details part="display-name" class="menu" @toggle=${(e: Event) => (e.target as HTMLDetailsElement).open && act.loadDisplayName()}>
    <summary part="display-name-button">Name shown to the patient</summary>
    <div class="panel">
    ${names
      ? html`<form part="display-name-form" @submit=${onSubmit}>
          <p>${displayName(entry.patient.name)} sees <strong>${names.name}</strong> on your messages.</p>
          <label>Name <input part="display-name-input" name="name" maxlength="120" .value=${names.conversation ?? names.own ?? names.name} /></label>
          <fieldset>
            <legend>Use it</legend>
            <label><input type="radio" name="scope" value="conversation" ?checked=${names.conversation !== null || names.own === null} /> In this conversation</label>
            <label><input type="radio" name="scope" value="own" ?checked=${names.conversation === null && names.own !== null} /> In all my conversations</label>
          </fieldset>
          <button part="display-name-save" type="submit">Save</button>
          ${names.conversation !== null
            ? html`<button part="display-name-reset" type="button" @click=${() => act.saveDisplayName('conversation', null)}>Use my usual name here</button>`
            : names.own !== null
            ? html`<button part="display-name-reset" type="button" @click=${() => act.saveDisplayName('own', null)}>Use the name from my account</button>`
            : nothing}
          <p class="hint">Messages already sent keep the name they were sent with.</p>
        </form>`
      : html`<p>Loading…</p>`}
    </div>
  </details>`;
}

/** "+1 other patient": who else shares this patient's phone, the primary starred; merge a duplicate. */
function renderContact(entry: InboxEntry, state: InboxState, act: HeaderActions) {
  const view = state.contact?.for === entry.id ? state.contact : undefined;
  const contact = view?.contact;
  if (!view || !contact || contact.patients.length < 2) return nothing;
  const others = contact.patients.length - 1;
  const write = may(state, 'chats.write');
  const merge = may(state, 'patients.create');
  return html`<details part="contact" class="menu">
    <summary part="contact-button">+${others} other patient${others === 1 ? '' : 's'} on ${contact.phone}</summary>
    <div class="panel">
      <ul part="contact-patients" aria-label="Patients sharing this contact">
        ${contact.patients.map((p) => {
          const primary = p.id === contact.primary;
          const self = p.id === view.patient;
          return html`<li>
            <span part=${primary ? 'contact-primary' : 'contact-patient'}
              >${primary ? html`<span aria-hidden="true">★</span> ` : nothing}${displayName(p.name)}${self ? ' (this conversation)' : ''}${primary
                ? html`<span class="visually-hidden"> (primary)</span>`
                : nothing}</span
            >
            ${!primary && write ? html`<button part="make-primary" type="button" @click=${() => act.setPrimary(p.id)}>Make primary</button>` : nothing}
            ${!self && merge
              ? html`<details part="merge" class="confirm">
                  <summary part="merge-button">Same person: merge here</summary>
                  <p>${displayName(p.name)}'s conversations, messages and history move to ${displayName(entry.patient.name)}. This is audited and cannot be undone.</p>
                  <button part="merge-confirm" type="button" @click=${() => act.merge(p.id)}>Merge ${displayName(p.name)} into ${displayName(entry.patient.name)}</button>
                </details>`
              : nothing}
          </li>`;
        })}
      </ul>
    </div>
  </details>`;
}

/** The transcript for the medical record: a file, the printable page, or mailed as the conversation ends. */
function renderTranscript(entry: InboxEntry, act: HeaderActions, mayClose: boolean) {
  const internal = (e: Event) => Boolean((e.target as HTMLElement).closest('.panel')?.querySelector<HTMLInputElement>('input[name="internal"]')?.checked);
  const onEmail = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const to = String(new FormData(form).get('to') ?? '').trim();
    if (to) act.closeAndEmail(to, internal(e));
  };
  return html`<details part="transcript" class="menu">
    <summary part="transcript-button">Transcript</summary>
    <div class="panel">
      <label><input type="checkbox" name="internal" /> Staff copy: include internal notes</label>
      <div class="row" role="group" aria-label="Transcript">
        <button part="transcript-print" type="button" @click=${(e: Event) => act.transcript('html', internal(e))}>Printable page</button>
        <button part="transcript-text" type="button" @click=${(e: Event) => act.transcript('text', internal(e))}>Text file</button>
        <button part="transcript-fhir" type="button" @click=${(e: Event) => act.transcript('fhir', internal(e))}>FHIR R4 JSON</button>
      </div>
      ${entry.status === 'open' && mayClose
        ? html`<form part="transcript-email" @submit=${onEmail}>
            <label>Email it to <input part="transcript-email-to" name="to" type="email" required autocomplete="email" /></label>
            <button part="transcript-email-send" type="submit">End conversation and email transcript</button>
            <p class="hint">The conversation is closed once the mail is accepted; if it cannot be sent, it stays open.</p>
          </form>`
        : nothing}
    </div>
  </details>`;
}

function renderLegalHold(entry: InboxEntry, act: HeaderActions) {
  return html`<button part="legal-hold-button" type="button" aria-pressed=${entry.legalHold ? 'true' : 'false'} title="On legal hold the retention purge never deletes this conversation" @click=${() => act.legalHold(!entry.legalHold)}>
    Legal hold
  </button>`;
}
