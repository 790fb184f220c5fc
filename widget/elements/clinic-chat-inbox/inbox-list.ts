// The inbox's list pane, rendered from the inbox core's state: the views with their counts,
// the narrowing toggles, search, and the conversations (one tab stop; arrows move through them).
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { InboxEntry } from '../../../protocol/inbox.js';
import { displayName } from '../../format.js';
import type { InboxState, InboxView } from '../../inbox/inbox-core.js';

export interface ListActions {
  view(view: InboxView): void;
  unreadOnly(on: boolean): void;
  unrespondedOnly(on: boolean): void;
  location(id: string | undefined): void;
  search(query: string): void;
  open(id: string): void;
  more(): void;
  /** Arrow keys moved focus to this conversation. */
  focus(id: string): void;
}

const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

const sameView = (a: InboxView, b: InboxView) => (typeof a === 'object' && typeof b === 'object' ? a.list === b.list : a === b);

export function renderViews(state: InboxState, act: ListActions) {
  const c = state.counts;
  const views: Array<{ view: InboxView; label: string; count?: number }> = [
    { view: 'all', label: 'All open', count: c?.open },
    { view: 'mine', label: 'My inbox', count: c?.mine },
    { view: 'unassigned', label: 'Unassigned', count: c?.unassigned },
    { view: 'mentions', label: 'Mentions', count: c?.mentions },
    ...state.lists.map((l) => ({ view: { list: l.id }, label: l.name, count: c?.lists[l.id] })),
    { view: 'closed', label: 'History' },
  ];
  return html`<div part="views" role="group" aria-label="Show">
      ${views.map(
        (v) =>
          html`<button
            part=${sameView(v.view, state.view) ? 'view view-current' : 'view'}
            type="button"
            aria-pressed=${sameView(v.view, state.view) ? 'true' : 'false'}
            @click=${() => act.view(v.view)}
          >
            ${v.label}${v.count ? html` <span part="view-count">${v.count}</span>` : nothing}
          </button>`,
      )}
    </div>
    <div part="toggles" role="group" aria-label="Only">
      <label
        ><input type="checkbox" .checked=${state.unreadOnly} @change=${(e: Event) => act.unreadOnly((e.target as HTMLInputElement).checked)} /> Unread${c?.unread
          ? html` (${c.unread})`
          : nothing}</label
      >
      <label
        ><input
          type="checkbox"
          .checked=${state.unrespondedOnly}
          @change=${(e: Event) => act.unrespondedOnly((e.target as HTMLInputElement).checked)}
        />
        Waiting for a reply${c?.unresponded ? html` (${c.unresponded})` : nothing}</label
      >
      ${state.locations.length > 1 ? renderLocations(state, act) : nothing}
    </div>`;
}

/** The location filter, when the org has more than one: all, mine first (if I have one), then each. */
function renderLocations(state: InboxState, act: ListActions) {
  const c = state.counts;
  const count = (id: string) => (c?.locations[id] ? ` (${c.locations[id]})` : '');
  const mine = state.locations.find((l) => l.id === state.me?.location);
  return html`<label part="location"
    >Location
    <select .value=${live(state.location ?? '')} @change=${(e: Event) => act.location((e.target as HTMLSelectElement).value || undefined)}>
      <option value="">All</option>
      ${mine ? html`<option value=${mine.id} ?selected=${state.location === mine.id}>My location: ${mine.name}${count(mine.id)}</option>` : nothing}
      ${state.locations
        .filter((l) => l !== mine)
        .map((l) => html`<option value=${l.id} ?selected=${state.location === l.id}>${l.name}${count(l.id)}</option>`)}
    </select></label
  >`;
}

export function renderSearch(state: InboxState, act: ListActions) {
  return html`<form
    part="search"
    role="search"
    @submit=${(e: Event) => {
      e.preventDefault();
      act.search(((e.currentTarget as HTMLFormElement).elements.namedItem('q') as HTMLInputElement).value);
    }}
  >
    <input
      name="q"
      type="search"
      aria-label="Search names and messages"
      placeholder="Search names and messages"
      .value=${state.query}
      @search=${(e: Event) => act.search((e.target as HTMLInputElement).value)}
    />
  </form>`;
}

export function renderRows(state: InboxState, focusId: string | undefined, nameOf: (staffId: string) => string, act: ListActions) {
  if (state.ready && state.items.length === 0 && !state.loading) {
    return html`<p part="list-empty">${state.query ? 'Nothing matches that search.' : 'No conversations here.'}</p>`;
  }
  // One tab stop, always on a listed row: the focused one, the open one, or the first.
  const listed = (id: string | undefined) => (id !== undefined && state.items.some((i) => i.id === id) ? id : undefined);
  const tabStop = listed(focusId) ?? listed(state.selected?.id) ?? state.items[0]?.id;
  return html`<ul part="conversation-list" aria-label="Conversations" aria-busy=${state.loading ? 'true' : 'false'} @keydown=${(e: KeyboardEvent) => onKeydown(e, act)}>
      ${repeat(
        state.items,
        (i) => i.id,
        (i) => renderRow(i, state, i.id === tabStop, nameOf, act),
      )}
    </ul>
    ${state.more ? html`<button part="more-button" type="button" @click=${() => act.more()}>Show more conversations</button>` : nothing}`;
}

function renderRow(item: InboxEntry, state: InboxState, tabStop: boolean, nameOf: (staffId: string) => string, act: ListActions) {
  const name = displayName(item.patient.name);
  const snippet = state.snippets[item.id];
  const viewers = (state.viewers[item.id] ?? []).map((v) => displayName(v.name));
  const assignee = item.assignee ? (item.assignee.kind === 'list' ? (state.lists.find((l) => l.id === item.assignee!.id)?.name ?? 'a team') : nameOf(item.assignee.id)) : 'Unassigned';
  // The row's content is its accessible name (no aria-label, which would hide the preview and tags).
  return html`<li>
    <button
      part=${item.unread ? 'conversation conversation-unread' : 'conversation'}
      type="button"
      data-id=${item.id}
      tabindex=${tabStop ? '0' : '-1'}
      aria-current=${state.selected?.id === item.id ? 'true' : 'false'}
      @click=${() => act.open(item.id)}
      @focus=${() => act.focus(item.id)}
    >
      <span class="line">
        <span class="name" title=${name}>${name}</span
        >${item.unread ? html`<span class="visually-hidden">, unread</span>` : nothing}${item.lastAuthor === 'patient'
          ? html`<span class="visually-hidden">, waiting for a reply</span>`
          : nothing}
        ${item.lastMessageAt ? html`<time part="conversation-time" datetime=${new Date(item.lastMessageAt).toISOString()}>${when(item.lastMessageAt)}</time>` : nothing}
      </span>
      <span part="conversation-preview" class="preview">${snippet ? marked(snippet) : previewOf(item)}</span>
      <span class="tags">
        ${item.unread ? html`<span part="badge" aria-hidden="true">New</span>` : nothing}
        ${item.urgency > 0 ? html`<span part="tag tag-urgent">Urgent</span>` : nothing}
        <span part="tag"><span class="visually-hidden">Assigned: </span>${assignee}</span>
        ${item.claimedBy ? html`<span part="tag tag-claimed">Claimed: ${nameOf(item.claimedBy)}</span>` : nothing}
        ${viewers.length ? html`<span part="tag tag-viewing">${viewers.join(', ')} viewing</span>` : nothing}
        ${item.ended ? html`<span part="tag">Chat ended</span>` : nothing}
      </span>
    </button>
  </li>`;
}

function previewOf(item: InboxEntry): string {
  if (!item.preview) return 'No messages yet';
  return item.lastAuthor === 'staff' ? `Care team: ${item.preview}` : item.preview;
}

/** A search snippet with its «hits» as <mark>: text nodes and elements only, never parsed HTML. */
export function marked(snippet: string) {
  return snippet.split(/«|»/).map((part, i) => (i % 2 === 1 ? html`<mark>${part}</mark>` : part));
}

function when(at: number): string {
  const d = new Date(at);
  const now = new Date();
  return d.toDateString() === now.toDateString() ? time.format(d) : day.format(d);
}

function onKeydown(event: KeyboardEvent, act: ListActions): void {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const list = event.currentTarget as HTMLElement;
  const items = [...list.querySelectorAll<HTMLButtonElement>('[part~="conversation"]')];
  const at = items.indexOf((list.getRootNode() as ShadowRoot).activeElement as HTMLButtonElement);
  const next = event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)));
  const target = items[next];
  if (!target) return;
  event.preventDefault();
  act.focus(target.dataset.id!);
  target.focus();
}
