// The patient in view, beyond the conversation: the contact they share with others (a family
// phone) and its primary, merging a duplicate record into them, the name they see for me, and
// the conversation's transcript for the record.
import type { TranscriptFormat } from '../../protocol/inbox.js';
import type { InboxApi } from './inbox-api.js';
import type { InboxStore } from './inbox-store.js';

/** Runs an action on the conversation in view (InboxCore's: a failure becomes the state's problem). */
type Act = (run: (conversationId: string) => Promise<unknown>) => Promise<void>;

export class InboxPatient {
  constructor(
    private readonly api: InboxApi,
    private readonly store: InboxStore,
    private readonly act: Act,
  ) {}

  /** Makes another patient on the shared contact its primary. */
  setPrimary(patient: string): Promise<void> {
    return this.act(async (id) => {
      const contact = this.store.state.contact?.contact;
      if (!contact) return;
      await this.api.setPrimary(contact.id, patient);
      this.store.set({ contact: { ...(await this.api.contact(id)), for: id } });
    });
  }

  /** Merges a duplicate record (of the same person) into the patient in view. */
  merge(duplicate: string): Promise<void> {
    return this.act(async (id) => {
      await this.api.merge(id, duplicate);
      this.store.set({ contact: { ...(await this.api.contact(id)), for: id } });
    });
  }

  /** Asks the hub for the name patients see for me in the conversation in view. */
  loadDisplayName(): Promise<void> {
    return this.act(async (id) => {
      const names = await this.api.displayName(id);
      if (this.store.state.selected?.id === id) this.store.set({ displayName: { ...names, for: id } });
    });
  }

  /** The name patients see for me from now on: here only, or everywhere (my default); null goes back. */
  saveDisplayName(scope: 'conversation' | 'own', name: string | null): Promise<void> {
    return this.act(async (id) => {
      await this.api.setDisplayName(scope === 'own' ? 'own' : { conversation: id }, name);
      const names = await this.api.displayName(id);
      if (this.store.state.selected?.id === id) this.store.set({ displayName: { ...names, for: id } });
    });
  }

  /**
   * The transcript of the conversation in view as a file (text, the printable page, FHIR JSON),
   * in the page's time zone; `internal` is the staff copy with notes. Undefined when refused.
   */
  async transcript(format: TranscriptFormat, internal: boolean): Promise<Blob | undefined> {
    let file: Blob | undefined;
    await this.act(async (id) => {
      file = await this.api.transcript(id, format, internal, Intl.DateTimeFormat().resolvedOptions().timeZone);
    });
    return file;
  }

  /** Ends the conversation and mails its transcript; it stays open when the mail is refused. */
  closeAndEmail(to: string, internal: boolean): Promise<void> {
    return this.act((id) => this.api.closeAndEmail(id, to, internal));
  }
}
