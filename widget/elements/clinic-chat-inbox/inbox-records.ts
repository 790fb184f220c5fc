// The settings panel's record-keeping sections: how long closed conversations are kept (with
// "Purge now" and what it deleted), and the audit of who did what (newest first, Load more,
// Download CSV). Rendered from the inbox state; every action is a call on the inbox core.
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { RETENTION_MAX_DAYS, type AuditEntryView, type PurgeResponse } from '../../../protocol/inbox.js';
import { displayName } from '../../format.js';
import type { AuditFilters } from '../../inbox/inbox-api.js';
import type { InboxState } from '../../inbox/inbox-state.js';

export interface RecordsActions {
  setRetention(days: number | null): void;
  /** First press asks, second purges (the element keeps which). */
  purge(): void;
  moreAudit(): void;
  downloadAudit(): void;
  filterAudit(filters: AuditFilters): void;
}

/** The audit's action families a person filters by. */
const FAMILIES: ReadonlyArray<[string, string]> = [
  ['', 'Everything'],
  ['transcript.*', 'Transcripts (export, email)'],
  ['messages.*', 'Messages read'],
  ['notes.*', 'Notes read'],
  ['conversation.*', 'Conversations'],
  ['patient.*', 'Patients (search, create, merge)'],
  ['contact.*', 'Shared contacts'],
  ['role.*', 'Roles'],
  ['retention.*', 'Retention'],
  ['audit.*', 'The audit itself'],
];

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function purgedText(purged: PurgeResponse): string {
  if (purged.days === null) return 'Nothing was purged: closed conversations are kept forever.';
  if (!purged.conversations) return `Nothing to purge: no closed conversation is older than ${plural(purged.days, 'day')} (or all are on legal hold).`;
  return `Purged ${plural(purged.conversations, 'conversation')} (${plural(purged.messages, 'message')}, ${plural(purged.attachments, 'attachment')}, ${plural(purged.patients, 'patient')}).`;
}

/** `confirming`: Purge now was pressed once. */
export function renderRetention(retention: NonNullable<InboxState['retention']>, act: RecordsActions, confirming: boolean) {
  const forever = retention.days === null;
  return html`<section part="retention" aria-labelledby="retention-title">
    <h3 id="retention-title">Retention</h3>
    <form
      @submit=${(e: Event) => {
        e.preventDefault();
        const form = e.currentTarget as HTMLFormElement;
        const keep = (form.elements.namedItem('keep') as RadioNodeList).value;
        act.setRetention(keep === 'forever' ? null : Number((form.elements.namedItem('days') as HTMLInputElement).value));
      }}
    >
      <fieldset>
        <legend>Closed conversations</legend>
        <label><input type="radio" name="keep" value="forever" .checked=${live(forever)} /> Keep forever</label>
        <label
          ><input type="radio" name="keep" value="days" .checked=${live(!forever)} /> Delete after
          <input part="retention-days" name="days" type="number" inputmode="numeric" min="1" max=${RETENTION_MAX_DAYS} step="1" required aria-label="Days to keep a closed conversation" .value=${live(String(retention.days ?? 365))} />
          days</label
        >
      </fieldset>
      <button part="retention-save" type="submit">Save</button>
    </form>
    <p class="hint">Conversations on legal hold are never purged.</p>
    <button part="purge-button" type="button" class=${confirming ? 'danger' : ''} @click=${() => act.purge()}>
      ${confirming ? 'Really purge? Deleted conversations cannot be restored' : 'Purge now'}
    </button>
    <p part="purge-result" role="status">${retention.purged ? purgedText(retention.purged) : nothing}</p>
  </section>`;
}

const ACTORS: Record<AuditEntryView['actor']['kind'], string> = { staff: 'Staff', patient: 'Patient', system: 'System', 'admin-key': 'Admin key' };

function actorText(actor: AuditEntryView['actor']): string {
  return actor.name ? displayName(actor.name) : `${ACTORS[actor.kind]} (${actor.id})`;
}

function detailText(detail: AuditEntryView['detail']): string {
  return detail ? Object.entries(detail).map(([key, value]) => `${key}: ${String(value)}`).join(', ') : '';
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** `staff`: who may be picked as the actor (the directory). */
export function renderAudit(audit: NonNullable<InboxState['audit']>, staff: InboxState['staff'], act: RecordsActions) {
  const f = audit.filters ?? {};
  const day = (ms?: number) => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10));
  const onFilter = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const text = (key: string) => String(form.get(key) ?? '');
    const from = text('from') ? Date.parse(`${text('from')}T00:00:00Z`) : undefined;
    const to = text('to') ? Date.parse(`${text('to')}T00:00:00Z`) + 86_400_000 : undefined;
    act.filterAudit({ ...(text('actor') && { actor: text('actor') }), ...(text('action') && { action: text('action') }), ...(from !== undefined && { from }), ...(to !== undefined && { to }) });
  };
  return html`<section part="audit" aria-labelledby="audit-title">
    <div class="settings-head">
      <h3 id="audit-title">Audit</h3>
      <button part="audit-download" type="button" @click=${() => act.downloadAudit()}>Download CSV</button>
    </div>
    <form part="audit-filters" @submit=${onFilter}>
      <label
        >Who
        <select name="actor">
          <option value="" ?selected=${!f.actor}>Anyone</option>
          ${staff.map((s) => html`<option value=${s.id} ?selected=${f.actor === s.id}>${displayName(s.name)}</option>`)}
          <option value="admin" ?selected=${f.actor === 'admin'}>The vendor's backend (admin key)</option>
          <option value="retention" ?selected=${f.actor === 'retention'}>The retention purge</option>
        </select></label
      >
      <label
        >What
        <select name="action">
          ${FAMILIES.map(([value, label]) => html`<option value=${value} ?selected=${(f.action ?? '') === value}>${label}</option>`)}
        </select></label
      >
      <label>From <input type="date" name="from" .value=${day(f.from)} /></label>
      <label>To <input type="date" name="to" .value=${day(f.to === undefined ? undefined : f.to - 86_400_000)} /></label>
      <button part="audit-filter" type="submit">Show</button>
    </form>
    ${audit.entries.length
      ? html`<div class="audit-scroll">
          <table part="audit-table" aria-labelledby="audit-title">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Record</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              ${audit.entries.map(
                (e) => html`<tr part="audit-entry">
                  <td><time datetime=${new Date(e.at).toISOString()}>${when.format(e.at)}</time></td>
                  <td>${actorText(e.actor)}</td>
                  <td>${e.action}</td>
                  <td>${e.subject.type} ${e.subject.id}</td>
                  <td>${detailText(e.detail)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : html`<p>Nothing audited yet.</p>`}
    ${audit.next ? html`<button part="audit-more" type="button" @click=${() => act.moreAudit()}>Load more</button>` : nothing}
  </section>`;
}
