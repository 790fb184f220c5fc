// The settings panel's Roles section (`settings.manage`): each role of the org with the
// permissions it grants, changed by ticking them and saving; a new role by name. The hub
// refuses taking `settings.manage` from one's own role (the panel says why).
import { html } from 'lit';
import { PERMISSIONS, ROLE_NAME, type Permission } from '../../../protocol/permissions.js';
import type { InboxState } from '../../inbox/inbox-state.js';

export interface RolesActions {
  setRole(name: string, permissions: Permission[]): void;
}

const WORDS: Record<Permission, string> = {
  'chats.read': 'Read chats',
  'chats.write': 'Write chats',
  'patients.create': 'Create patients',
  'lists.manage': 'Manage teams',
  'transcripts.export': 'Export transcripts',
  'settings.manage': 'Manage settings',
  'audit.view': 'View the audit',
};

export function renderRoles(roles: NonNullable<InboxState['roles']>, myRole: string | undefined, act: RolesActions) {
  const granted = (form: HTMLFormElement) => PERMISSIONS.filter((p) => new FormData(form).has(p));
  const onSave = (name: string) => (e: SubmitEvent) => {
    e.preventDefault();
    act.setRole(name, granted(e.target as HTMLFormElement));
  };
  const onAdd = (e: SubmitEvent) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const name = String(new FormData(form).get('role') ?? '').trim().toLowerCase();
    if (ROLE_NAME.test(name)) act.setRole(name, ['chats.read']);
  };
  return html`<section aria-labelledby="roles-title" part="roles">
    <h3 id="roles-title">Roles</h3>
    <p class="hint">A staff member's token names their role; these are what each role may do.</p>
    ${roles.map(
      (role) => html`<form part="role" @submit=${onSave(role.name)}>
        <fieldset>
          <legend>${role.name}${role.name === myRole ? ' (your role)' : ''}${role.defined ? '' : ' (default)'}</legend>
          ${PERMISSIONS.map(
            (p) => html`<label><input type="checkbox" name=${p} .checked=${role.permissions.includes(p)} /> ${WORDS[p]}</label>`,
          )}
          <button part="role-save" type="submit" aria-label=${`Save the role ${role.name}`}>Save</button>
        </fieldset>
      </form>`,
    )}
    <form part="role-add" @submit=${onAdd}>
      <label>New role <input name="role" required pattern="[a-z][a-z0-9\\-]{0,31}" maxlength="32" autocomplete="off" /></label>
      <button type="submit">Add role</button>
      <p class="hint">Lowercase letters, digits and dashes; it starts able to read chats.</p>
    </form>
  </section>`;
}
