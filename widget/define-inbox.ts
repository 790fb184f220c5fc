// Side-effect entry of the shared inbox (`clinic-chat/inbox`): registers <clinic-chat-inbox>
// (and the chat box it reuses) and exports it with its framework-free core, for a custom UI.
import { ClinicChatInbox } from './elements/clinic-chat-inbox/clinic-chat-inbox.js';

ClinicChatInbox.define();

export { ClinicChatInbox };
export { InboxCore, type InboxCoreOptions, type InboxEventMap, type InboxSocket, type InboxState, type InboxView, type Viewer } from './inbox/inbox-core.js';
export { InboxApi, InboxApiError, apiBaseOf, type Assignee, type InboxApiOptions, type InboxFilters, type MentionEntry } from './inbox/inbox-api.js';
export type { Mentionable } from './inbox/mentions.js';
export type * from '../protocol/inbox.js';
