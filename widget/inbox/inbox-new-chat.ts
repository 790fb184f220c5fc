// New chat: a staff member finds a patient by name, phone or external id (or, with
// `patients.create`, adds one) and starts writing. The conversation does not exist until the
// first message: until then the inbox shows a draft for the patient (`starting`), and when the
// hub's inbox frame for that patient arrives, the conversation is selected like any other.
import type { CreatePatientBody, PatientHit } from '../../protocol/inbox.js';
import type * as v from 'valibot';
import type { InboxApi } from './inbox-api.js';
import type { Guard, InboxStore } from './inbox-store.js';

export interface NewChatState {
  query: string;
  results: readonly PatientHit[];
  searching: boolean;
}

/** The patient a draft conversation is for (no conversation yet). */
export interface Starting {
  thread: string;
  name: string;
}

export class InboxNewChat {
  private search = 0;

  constructor(
    private readonly api: InboxApi,
    private readonly store: InboxStore,
    private readonly guard: Guard,
    /** Opens a patient's existing conversation. */
    private readonly select: (conversationId: string | null) => Promise<void>,
  ) {}

  open(): void {
    this.store.set({ newChat: { query: '', results: [], searching: false }, starting: undefined });
  }

  close(): void {
    this.store.set({ newChat: undefined });
  }

  /** Searches as the person types; an answer to an older query is dropped. */
  async find(query: string): Promise<void> {
    const call = ++this.search;
    const q = query.trim();
    this.store.set({ newChat: { query, results: q ? this.store.state.newChat?.results ?? [] : [], searching: Boolean(q) } });
    if (!q) return;
    let results: readonly PatientHit[] = [];
    try {
      await this.guard(async () => {
        results = await this.api.searchPatients(q);
      });
    } finally {
      // Answered or refused (the problem says why), the search is over: an older one is dropped.
      if (call === this.search && this.store.state.newChat) this.store.set({ newChat: { query, results, searching: false } });
    }
  }

  /** A patient with a conversation opens it; one without gets a draft until the first message. */
  async start(patient: PatientHit): Promise<void> {
    this.store.set({ newChat: undefined });
    if (patient.conversation) return this.select(patient.conversation.id);
    await this.select(null);
    this.store.set({ starting: { thread: patient.externalId, name: patient.name } });
  }

  /** Adds a patient the hub has not seen (`patients.create`) and starts a draft for them. */
  /** Says whether the patient was added (else the problem says why, and the panel stays). */
  async create(input: v.InferOutput<typeof CreatePatientBody>): Promise<boolean> {
    let added = false;
    await this.guard(async () => {
      const patient = await this.api.createPatient(input);
      await this.start(patient);
      added = true;
    });
    return added;
  }

  /** Leaves a draft without writing: nothing was made. */
  cancelDraft(): void {
    if (this.store.state.starting) this.store.set({ starting: undefined });
  }

  /** The hub now has a conversation for the draft's patient: open it. */
  arrived(item: { id: string; thread: string }): void {
    if (this.store.state.starting?.thread === item.thread) {
      this.store.set({ starting: undefined });
      void this.select(item.id);
    }
  }
}
