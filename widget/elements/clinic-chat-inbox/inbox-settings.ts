// The inbox's settings panel: teams and their members, who is told about messages in
// Unassigned conversations, retention and the audit (inbox-records.ts), each section only for
// a caller whose role grants it. Every change is a call on the inbox core.
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Permission } from '../../../protocol/permissions.js';
import { displayName } from '../../format.js';
import type { InboxState } from '../../inbox/inbox-state.js';
import { renderAudit, renderRetention, type RecordsActions } from './inbox-records.js';
import { renderRoles, type RolesActions } from './inbox-roles.js';

export interface SettingsActions extends RecordsActions, RolesActions {
  close(): void;
  createList(name: string): void;
  deleteList(id: string): void;
  setMember(listId: string, staffId: string, member: boolean): void;
  setNotifyUnassigned(staffId: string, on: boolean): void;
}

/** What the panel remembers between presses: the team whose Delete, or whether Purge now, was pressed once. */
export interface SettingsConfirming {
  deleting?: string;
  purging?: boolean;
}

export function renderSettings(state: InboxState, can: (permission: Permission) => boolean, act: SettingsActions, confirming: SettingsConfirming = {}) {
  const settings = state.settings;
  if (!settings) return nothing;
  const deleting = confirming.deleting;
  const checked = (e: Event) => (e.target as HTMLInputElement).checked;
  return html`<div part="settings">
    <div class="settings-head">
      <h2 id="settings-title">Inbox settings</h2>
      <button part="settings-close" type="button" @click=${() => act.close()}>Done</button>
    </div>
    ${can('lists.manage') ? renderTeams(settings, act, deleting, checked) : nothing}
    ${can('settings.manage') ? renderUnassigned(settings, act, checked) : nothing}
    ${can('settings.manage') && state.retention ? renderRetention(state.retention, act, Boolean(confirming.purging)) : nothing}
    ${can('settings.manage') && state.roles ? renderRoles(state.roles, state.me?.role, act) : nothing}
    ${can('audit.view') && state.audit ? renderAudit(state.audit, state.staff, act) : nothing}
  </div>`;
}

type Settings = NonNullable<InboxState['settings']>;

function renderTeams(settings: Settings, act: SettingsActions, deleting: string | undefined, checked: (e: Event) => boolean) {
  return html`<section aria-labelledby="teams-title">
      <h3 id="teams-title">Teams</h3>
      ${settings.lists.map(
        (list) => html`<fieldset part="team">
          <legend>${list.name}</legend>
          ${settings.staff.map(
            (s) => html`<label
              ><input type="checkbox" .checked=${live(list.members.includes(s.id))} @change=${(e: Event) => act.setMember(list.id, s.id, checked(e))} />
              ${displayName(s.name)}</label
            >`,
          )}
          <button type="button" class="danger" aria-label=${deleting === list.id ? `Really delete ${list.name}? Its conversations become Unassigned` : `Delete the team ${list.name}`} @click=${() => act.deleteList(list.id)}>
            ${deleting === list.id ? 'Really delete? Its conversations become Unassigned' : 'Delete team'}
          </button>
        </fieldset>`,
      )}
      <form
        class="add-team"
        @submit=${(e: Event) => {
          e.preventDefault();
          const input = (e.currentTarget as HTMLFormElement).elements.namedItem('team') as HTMLInputElement;
          if (input.value.trim()) act.createList(input.value.trim());
          input.value = '';
        }}
      >
        <label>New team <input name="team" maxlength="100" autocomplete="off" /></label>
        <button type="submit">Add team</button>
      </form>
    </section>`;
}

function renderUnassigned(settings: Settings, act: SettingsActions, checked: (e: Event) => boolean) {
  return html`<section aria-labelledby="unassigned-title">
      <h3 id="unassigned-title">Told about Unassigned messages</h3>
      ${settings.staff.map(
        (s) => html`<label
          ><input type="checkbox" .checked=${live(s.notifyUnassigned)} @change=${(e: Event) => act.setNotifyUnassigned(s.id, checked(e))} />
          ${displayName(s.name)}</label
        >`,
      )}
  </section>`;
}
