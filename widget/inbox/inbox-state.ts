// What the shared inbox is, as values: its state, its events, the socket it shares with the
// chat, and the options it is built with.
import type { Frame, OutgoingFrame } from '../../protocol/index.js';
import type { AuditEntryView, ContactResponse, DirectoryResponse, DisplayNameResponse, InboxCountsResponse, InboxEntry, Note, PurgeResponse, SettingsResponse } from '../../protocol/inbox.js';
import type { Permission } from '../../protocol/permissions.js';
import type { RolesResponse } from '../../protocol/rest.js';
import type { TimelineEvent } from '../../protocol/timeline.js';
import type { AuditFilters, InboxApi, MentionEntry } from './inbox-api.js';
import type { NewChatState, Starting } from './inbox-new-chat.js';

/** The lists a staff member picks from: each is a set of filters the hub answers. */
export type InboxView = 'all' | 'mine' | 'unassigned' | 'mentions' | 'closed' | { list: string };

export interface Viewer {
  id: string;
  name: string;
}

export interface InboxState {
  /** The directory and the first page have loaded. */
  readonly ready: boolean;
  readonly loading: boolean;
  readonly me?: DirectoryResponse['me'];
  readonly staff: DirectoryResponse['staff'];
  readonly lists: DirectoryResponse['lists'];
  readonly locations: DirectoryResponse['locations'];
  /** Only patients of this location (with any view); undefined: every location. */
  readonly location?: string;
  readonly view: InboxView;
  /** Narrowing within the view. */
  readonly unreadOnly: boolean;
  readonly unrespondedOnly: boolean;
  readonly query: string;
  readonly items: readonly InboxEntry[];
  /** More pages after `items`. */
  readonly more: boolean;
  /** Search hits: a snippet per conversation with `«` `»` around the matches. */
  readonly snippets: Readonly<Record<string, string>>;
  readonly counts?: InboxCountsResponse;
  /** The conversation in view. */
  readonly selected: InboxEntry | null;
  readonly notes: readonly Note[];
  /** The conversation in view's events (assigned, closed, a call…), oldest first. */
  readonly events: readonly TimelineEvent[];
  /** The name patients see for me in the conversation in view, once asked for (`loadDisplayName`). */
  readonly displayName?: DisplayNameResponse & { for: string };
  /** The contact the patient in view shares with others (a family phone), with the patient's own id. */
  readonly contact?: ContactResponse & { for: string };
  /** The New chat dialog, while it is open. */
  readonly newChat?: NewChatState;
  /** A draft for a patient without a conversation: the first message makes it. */
  readonly starting?: Starting;
  /** While the settings are open, for `settings.manage`: the org's roles and what each grants. */
  readonly roles?: RolesResponse['roles'];
  /** Other staff viewing each conversation now. */
  readonly viewers: Readonly<Record<string, readonly Viewer[]>>;
  readonly mentions: readonly MentionEntry[];
  /** Admins, while the settings panel is open: teams, members, who is told about Unassigned. */
  readonly settings?: SettingsResponse;
  /** While the settings panel is open, for `settings.manage`: the org's retention and what "Purge now" last deleted. */
  readonly retention?: { readonly days: number | null; readonly purged?: PurgeResponse };
  /** While the settings panel is open, for `audit.view`: the newest audit entries, older pages appended. */
  readonly audit?: { readonly entries: readonly AuditEntryView[]; readonly next?: string; readonly filters?: AuditFilters };
  /** The last thing that went wrong, in words for the person (a refused claim, an unreachable hub). */
  readonly problem?: string;
}

export interface InboxEventMap {
  /** A conversation in My Inbox (or, for whoever is told about them, an Unassigned one) got a new patient message. */
  'mine-message': { conversation: InboxEntry };
  /** Someone mentioned me in a note. */
  mention: { note: Note; conversation?: InboxEntry };
  error: { code: string; message: string };
}

/** The socket the inbox shares with the chat: its frames, and a way to send one. */
export interface InboxSocket {
  listen(listener: (frame: Frame) => void): () => void;
  send(frame: OutgoingFrame): boolean;
  catchUp(thread: string): void;
}

export interface InboxCoreOptions {
  api: InboxApi;
  socket: InboxSocket;
  pageSize?: number;
  /** How long live changes gather before the counts are asked again. */
  countsDelayMs?: number;
}

export const EMPTY: InboxState = {
  ready: false,
  loading: false,
  staff: [],
  lists: [],
  locations: [],
  view: 'all',
  unreadOnly: false,
  unrespondedOnly: false,
  query: '',
  items: [],
  more: false,
  snippets: {},
  selected: null,
  notes: [],
  events: [],
  viewers: {},
  mentions: [],
};

/** Whether the caller's role grants the permission: the inbox hides what it does not (the hub refuses it anyway). */
export function may(state: Pick<InboxState, 'me'>, permission: Permission): boolean {
  return state.me?.permissions.includes(permission) ?? false;
}
