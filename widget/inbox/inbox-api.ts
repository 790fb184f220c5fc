// The hub's inbox API (/v1/inbox) as typed calls: pages, counts, the directory, the actions,
// notes and mentions, the settings (teams, retention, legal hold) and the audit. The token goes in the Authorization header, never in a URL; a refusal
// is an `InboxApiError` with the hub's error code. No DOM: `fetch` is all it needs.
import type {
  AuditPageResponse,
  ContactResponse,
  DisplayNameResponse,
  PatientHit,
  PatientSearchResponse,
  ClaimResponse,
  DirectoryResponse,
  InboxCountsResponse,
  InboxEntry,
  InboxPageResponse,
  MentionTarget,
  Note,
  PurgeResponse,
  RetentionResponse,
  SettingsResponse,
  TranscriptFormat,
} from '../../protocol/inbox.js';
import type { TimelineEvent, TimelineEventsResponse } from '../../protocol/timeline.js';
import type { Permission } from '../../protocol/permissions.js';
import type { RolesResponse } from '../../protocol/rest.js';

/** Filters of an inbox page; they combine (every one given must hold). */
export interface InboxFilters {
  status?: 'open' | 'closed';
  unread?: boolean;
  unresponded?: boolean;
  mine?: boolean;
  unassigned?: boolean;
  mentions?: boolean;
  list?: string;
  location?: string;
  q?: string;
}

export interface MentionEntry {
  id: string;
  conversation: string;
  thread: string;
  patient: string;
  note: string;
  by: string;
  text: string;
  at: number;
  dismissedAt: number | null;
}

/** Filters of the audit; they combine. Times are epoch milliseconds (`to` exclusive). */
export interface AuditFilters {
  from?: number;
  to?: number;
  /** The actor's id (a staff id, `admin`, `retention`). */
  actor?: string;
  /** An action, or a family such as `retention.*`. */
  action?: string;
}

export type Assignee = { kind: 'staff' | 'list'; id: string } | null;

/** The hub refused a call: `code` is the hub's error code (`forbidden`, `not-found`, `invalid`…). */
export class InboxApiError extends Error {
  override readonly name = 'InboxApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** The body of a refused claim: who holds it. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The REST base of a hub from its WebSocket URL: wss://chat.example.com/v1/ws → https://chat.example.com/v1. */
export function apiBaseOf(hubUrl: string): string {
  const url = new URL(hubUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  url.pathname = url.pathname.replace(/\/ws\/?$/, '');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

export interface InboxApiOptions {
  /** The REST base, e.g. https://chat.example.com/v1 (see `apiBaseOf`). */
  base: string;
  getToken: () => string | Promise<string>;
  fetch?: typeof fetch;
}

export class InboxApi {
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: InboxApiOptions) {
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  page(filters: InboxFilters, after?: string, limit?: number): Promise<InboxPageResponse> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) {
      if (value === undefined || value === false || value === '') continue;
      query.set(key, value === true ? '1' : String(value));
    }
    if (after) query.set('after', after);
    if (limit) query.set('limit', String(limit));
    const qs = query.toString();
    return this.call('GET', `/inbox${qs ? `?${qs}` : ''}`);
  }

  counts(): Promise<InboxCountsResponse> {
    return this.call('GET', '/inbox/counts');
  }

  directory(): Promise<DirectoryResponse> {
    return this.call('GET', '/inbox/directory');
  }

  async conversation(id: string): Promise<InboxEntry> {
    return (await this.call<{ conversation: InboxEntry }>('GET', `/inbox/${enc(id)}`)).conversation;
  }

  /** Claims it; a conversation someone else holds resolves `{ claimed: false, by }` (the hub's 409). */
  async claim(id: string): Promise<ClaimResponse> {
    try {
      return await this.call<ClaimResponse>('POST', `/inbox/${enc(id)}/claim`);
    } catch (error) {
      if (error instanceof InboxApiError && error.status === 409 && isClaim(error.body)) return error.body;
      throw error;
    }
  }

  release(id: string): Promise<unknown> {
    return this.call('DELETE', `/inbox/${enc(id)}/claim`);
  }

  assign(id: string, to: Assignee): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/assign`, { to });
  }

  close(id: string): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/close`);
  }

  reopen(id: string): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/reopen`);
  }

  /** Patients by name, phone or external id (New chat). */
  async searchPatients(q: string): Promise<PatientHit[]> {
    return (await this.call<PatientSearchResponse>('GET', `/inbox/patients?q=${enc(q)}`)).patients;
  }

  async createPatient(input: { name: string; externalId?: string; phone?: string; locationId?: string }): Promise<PatientHit> {
    return (await this.call<{ patient: PatientHit }>('POST', '/inbox/patients', input)).patient;
  }

  /** The contact the conversation's patient shares with others (a family phone), if any. */
  contact(id: string): Promise<ContactResponse> {
    return this.call('GET', `/inbox/${enc(id)}/contact`);
  }

  setPrimary(contact: string, patient: string): Promise<unknown> {
    return this.call('PUT', `/inbox/contacts/${enc(contact)}/primary`, { patient });
  }

  /** Merges the duplicate patient record into the conversation's patient. */
  merge(id: string, duplicate: string): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/merge`, { duplicate });
  }

  /** The name patients see for me in that conversation, and where it comes from. */
  displayName(id: string): Promise<DisplayNameResponse> {
    return this.call('GET', `/inbox/${enc(id)}/display-name`);
  }

  /** Sets (or with null, removes) the name patients see for me: in one conversation, or my own default. */
  setDisplayName(scope: { conversation: string } | 'own', name: string | null): Promise<unknown> {
    return this.call('PUT', scope === 'own' ? '/inbox/me/display-name' : `/inbox/${enc(scope.conversation)}/display-name`, { name });
  }

  /** Permanent: the patient of that conversation gets no more messages from the team. */
  optOut(id: string): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/opt-out`);
  }

  setUrgent(id: string, urgent: boolean): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/urgency`, { urgent });
  }

  // ---- transcripts (roles with transcripts.export) ----

  /** The transcript's address, for display or a link; it carries no token, so fetch it with `transcript()`. */
  transcriptUrl(id: string, format: TranscriptFormat = 'text', internal = false, timeZone?: string): string {
    const query = new URLSearchParams({ format });
    if (internal) query.set('internal', '1');
    if (timeZone) query.set('tz', timeZone);
    return `${this.opts.base}/inbox/${enc(id)}/transcript?${query}`;
  }

  /**
   * The transcript as a file of its type: plain text, the printable HTML page or FHIR R4 JSON.
   * `internal` adds the care team's notes; `timeZone` (IANA) is for the times shown (default UTC).
   */
  async transcript(id: string, format: TranscriptFormat = 'text', internal = false, timeZone?: string): Promise<Blob> {
    return (await this.request('GET', this.transcriptUrl(id, format, internal, timeZone))).blob();
  }

  /** Mails the transcript (text, HTML and FHIR) to `to`; the conversation is closed only once the mail was accepted. */
  closeAndEmail(id: string, to: string, internal = false): Promise<{ status: 'closed'; emailed: true }> {
    return this.call('POST', `/inbox/${enc(id)}/close-and-email`, { to, internal });
  }

  // ---- settings (admins) ----

  /** The org's roles and what each grants (`settings.manage`). */
  roles(): Promise<RolesResponse> {
    return this.call('GET', '/inbox/settings/roles');
  }

  setRole(name: string, permissions: readonly Permission[]): Promise<unknown> {
    return this.call('PUT', `/inbox/settings/roles/${enc(name)}`, { permissions });
  }

  settings(): Promise<SettingsResponse> {
    return this.call('GET', '/inbox/settings');
  }

  createList(name: string): Promise<unknown> {
    return this.call('POST', '/inbox/settings/lists', { name });
  }

  deleteList(id: string): Promise<unknown> {
    return this.call('DELETE', `/inbox/settings/lists/${enc(id)}`);
  }

  setMember(listId: string, staffId: string, member: boolean): Promise<unknown> {
    return this.call(member ? 'PUT' : 'DELETE', `/inbox/settings/lists/${enc(listId)}/members/${enc(staffId)}`);
  }

  setNotifyUnassigned(staffId: string, on: boolean): Promise<unknown> {
    return this.call('PUT', `/inbox/settings/staff/${enc(staffId)}/notify-unassigned`, { on });
  }

  retention(): Promise<RetentionResponse> {
    return this.call('GET', '/inbox/settings/retention');
  }

  /** `null` keeps closed conversations forever. */
  setRetention(days: number | null): Promise<RetentionResponse> {
    return this.call('PUT', '/inbox/settings/retention', { days });
  }

  /** Runs the retention purge for the org now. */
  purge(): Promise<PurgeResponse> {
    return this.call('POST', '/inbox/settings/purge');
  }

  setLegalHold(id: string, hold: boolean): Promise<unknown> {
    return this.call('PUT', `/inbox/${enc(id)}/legal-hold`, { hold });
  }

  /** A page of the audit, newest first; `before` is the `next` of the page before. */
  audit(filters: AuditFilters = {}, before?: string, limit?: number): Promise<AuditPageResponse> {
    return this.call('GET', `/inbox/audit${auditQuery(filters, { ...(before && { before }), ...(limit && { limit: String(limit) }) })}`);
  }

  /** The audit under the filters as a CSV file, with the name the hub gave it. */
  async auditCsv(filters: AuditFilters = {}): Promise<{ csv: Blob; filename: string }> {
    const response = await this.request('GET', `${this.opts.base}/inbox/audit${auditQuery(filters, { format: 'csv' })}`);
    const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'audit.csv';
    return { csv: await response.blob(), filename };
  }

  setUnread(id: string, unread: boolean): Promise<unknown> {
    return this.call('POST', `/inbox/${enc(id)}/unread`, { unread });
  }

  async events(id: string): Promise<TimelineEvent[]> {
    return (await this.call<TimelineEventsResponse>('GET', `/inbox/${enc(id)}/events`)).events;
  }

  async notes(id: string): Promise<Note[]> {
    return (await this.call<{ notes: Note[] }>('GET', `/inbox/${enc(id)}/notes`)).notes;
  }

  async addNote(id: string, clientId: string, text: string, mentions: readonly MentionTarget[]): Promise<Note> {
    return (await this.call<{ note: Note }>('POST', `/inbox/${enc(id)}/notes`, { clientId, text, mentions })).note;
  }

  async mentions(): Promise<MentionEntry[]> {
    return (await this.call<{ mentions: MentionEntry[] }>('GET', '/inbox/mentions')).mentions;
  }

  dismissMention(id: string): Promise<unknown> {
    return this.call('POST', `/inbox/mentions/${enc(id)}/dismiss`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, `${this.opts.base}${path}`, body);
    return (await response.json().catch(() => undefined)) as T;
  }

  /** The hub's answer when it is a success; a refusal or no answer at all is an `InboxApiError`. */
  private async request(method: string, url: string, body?: unknown): Promise<Response> {
    const token = await this.opts.getToken();
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch {
      throw new InboxApiError('unavailable', 'the chat service cannot be reached', 0);
    }
    if (!response.ok) throw await refusal(response);
    return response;
  }
}

/** The hub's refusal as an error with its code. */
async function refusal(response: Response): Promise<InboxApiError> {
  const json: unknown = await response.json().catch(() => undefined);
  const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new InboxApiError(error?.code ?? 'failed', error?.message ?? `the chat service answered ${response.status}`, response.status, json);
}

function auditQuery(filters: AuditFilters, extra: Record<string, string>): string {
  const query = new URLSearchParams(extra);
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') query.set(key, String(value));
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

const enc = encodeURIComponent;

function isClaim(body: unknown): body is ClaimResponse {
  return typeof body === 'object' && body !== null && 'claimed' in body && 'by' in body;
}
