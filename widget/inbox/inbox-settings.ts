// The admins' settings panel of the inbox: teams, their members, who is told about
// Unassigned. Its data is loaded while the panel is open and again after every change.
import type { InboxApi } from './inbox-api.js';
import type { Guard, InboxStore } from './inbox-store.js';

export class InboxSettings {
  constructor(
    private readonly api: InboxApi,
    private readonly store: InboxStore,
    private readonly guard: Guard,
  ) {}

  /** Loads the panel's data (admins; others are told no). */
  async open(): Promise<void> {
    await this.guard(async () => this.store.set({ settings: await this.api.settings() }));
  }

  close(): void {
    this.store.set({ settings: undefined });
  }

  createList(name: string): Promise<void> {
    return this.change(() => this.api.createList(name));
  }

  deleteList(id: string): Promise<void> {
    return this.change(() => this.api.deleteList(id));
  }

  setMember(listId: string, staffId: string, member: boolean): Promise<void> {
    return this.change(() => this.api.setMember(listId, staffId, member));
  }

  setNotifyUnassigned(staffId: string, on: boolean): Promise<void> {
    return this.change(() => this.api.setNotifyUnassigned(staffId, on));
  }

  /** Someone changed the directory: an open panel shows it. */
  async refresh(): Promise<void> {
    if (this.store.state.settings) this.store.set({ settings: await this.api.settings() });
  }

  private async change(run: () => Promise<unknown>): Promise<void> {
    await this.guard(async () => {
      await run();
      this.store.set({ settings: await this.api.settings() });
    });
  }
}
