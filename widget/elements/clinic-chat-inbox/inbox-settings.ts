// The inbox's settings panel, for admins: teams and their members, and who is told about
// messages in Unassigned conversations. Every change is a call on the inbox core.
import { html } from 'lit';
import { live } from 'lit/directives/live.js';
import type { SettingsResponse } from '../../../protocol/inbox.js';
import { displayName } from '../../format.js';

export interface SettingsActions {
  close(): void;
  createList(name: string): void;
  deleteList(id: string): void;
  setMember(listId: string, staffId: string, member: boolean): void;
  setNotifyUnassigned(staffId: string, on: boolean): void;
}

/** `deleting`: the team whose Delete was pressed once; a second press deletes it. */
export function renderSettings(settings: SettingsResponse, act: SettingsActions, deleting?: string) {
  const checked = (e: Event) => (e.target as HTMLInputElement).checked;
  return html`<div part="settings">
    <div class="settings-head">
      <h2 id="settings-title">Inbox settings</h2>
      <button part="settings-close" type="button" @click=${() => act.close()}>Done</button>
    </div>
    <section aria-labelledby="teams-title">
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
    </section>
    <section aria-labelledby="unassigned-title">
      <h3 id="unassigned-title">Told about Unassigned messages</h3>
      ${settings.staff.map(
        (s) => html`<label
          ><input type="checkbox" .checked=${live(s.notifyUnassigned)} @change=${(e: Event) => act.setNotifyUnassigned(s.id, checked(e))} />
          ${displayName(s.name)}</label
        >`,
      )}
    </section>
  </div>`;
}
