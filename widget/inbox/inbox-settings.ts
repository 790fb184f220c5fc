// The settings panel of the inbox: teams and their members, who is told about Unassigned
// (`lists.manage`, `settings.manage`), the org's retention with "Purge now" (`settings.manage`)
// and the audit (`audit.view`). Each part is loaded only for a caller whose role grants it,
// while the panel is open, and again after every change.
import type { Permission } from '../../protocol/permissions.js';
import type { AuditFilters, InboxApi } from './inbox-api.js';
import { may } from './inbox-state.js';
import type { Guard, InboxStore } from './inbox-store.js';

/** Audit entries per page of the panel. */
export const AUDIT_PAGE = 50;

/** The permissions that open the settings panel: any one of them shows its part. */
export const SETTINGS_PERMISSIONS: readonly Permission[] = ['lists.manage', 'settings.manage', 'audit.view'];

export class InboxSettings {
  constructor(
    private readonly api: InboxApi,
    private readonly store: InboxStore,
    private readonly guard: Guard,
  ) {}

  /** Whether the caller's role (the directory's `me.permissions`) grants it. */
  can(permission: Permission): boolean {
    return may(this.store.state, permission);
  }

  /** The settings panel has something for the caller. */
  get available(): boolean {
    return SETTINGS_PERMISSIONS.some((p) => this.can(p));
  }

  /** Loads the panel's data: only the parts the caller's role grants. */
  async open(): Promise<void> {
    await this.guard(async () => {
      const teams = this.can('lists.manage') || this.can('settings.manage');
      const [settings, retention, audit, roles] = await Promise.all([
        teams ? this.api.settings() : { lists: [], staff: [] },
        this.can('settings.manage') ? this.api.retention() : undefined,
        this.can('audit.view') ? this.api.audit({}, undefined, AUDIT_PAGE) : undefined,
        this.can('settings.manage') ? this.api.roles() : undefined,
      ]);
      this.store.set({ settings, retention, audit, roles: roles?.roles });
    });
  }

  close(): void {
    this.store.set({ settings: undefined, retention: undefined, audit: undefined, roles: undefined });
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

  /** What a role grants from now on (a new name makes a role; `staff` or `admin` replaces the default). */
  async setRole(name: string, permissions: readonly Permission[]): Promise<void> {
    await this.guard(async () => {
      await this.api.setRole(name, permissions);
      this.store.set({ roles: (await this.api.roles()).roles });
      await this.reloadAudit();
    });
  }

  /** `null` keeps closed conversations forever. */
  async setRetention(days: number | null): Promise<void> {
    await this.guard(async () => {
      const saved = await this.api.setRetention(days);
      this.store.set({ retention: { days: saved.days } });
      await this.reloadAudit();
    });
  }

  /** Runs the purge now; the panel shows what it deleted. */
  async purgeNow(): Promise<void> {
    await this.guard(async () => {
      const purged = await this.api.purge();
      this.store.set({ retention: { days: purged.days, purged } });
      await this.reloadAudit();
    });
  }

  /** The audit narrowed to who, what and when (they combine); its first page. */
  async filterAudit(filters: AuditFilters): Promise<void> {
    await this.guard(async () => {
      const page = await this.api.audit(filters, undefined, AUDIT_PAGE);
      this.store.set({ audit: { ...page, filters } });
    });
  }

  /** Appends the next older page of the audit. */
  async moreAudit(): Promise<void> {
    const audit = this.store.state.audit;
    if (!audit?.next) return;
    await this.guard(async () => {
      const page = await this.api.audit(audit.filters ?? {}, audit.next, AUDIT_PAGE);
      this.store.set({ audit: { entries: [...audit.entries, ...page.entries], ...(page.next && { next: page.next }), ...(audit.filters && { filters: audit.filters }) } });
    });
  }

  /** The audit as a CSV file, as narrowed (undefined when the hub refused: the problem says why). */
  async auditCsv(filters: AuditFilters = this.store.state.audit?.filters ?? {}): Promise<{ csv: Blob; filename: string } | undefined> {
    let file: { csv: Blob; filename: string } | undefined;
    await this.guard(async () => {
      file = await this.api.auditCsv(filters);
    });
    return file;
  }

  /** Someone changed the directory: an open panel shows it. */
  async refresh(): Promise<void> {
    if (this.store.state.settings && (this.can('lists.manage') || this.can('settings.manage'))) this.store.set({ settings: await this.api.settings() });
  }

  private async change(run: () => Promise<unknown>): Promise<void> {
    await this.guard(async () => {
      await run();
      this.store.set({ settings: await this.api.settings() });
    });
  }

  /** The first page again, with what the change just audited on top. */
  private async reloadAudit(): Promise<void> {
    const filters = this.store.state.audit?.filters;
    if (this.store.state.audit) this.store.set({ audit: { ...(await this.api.audit(filters ?? {}, undefined, AUDIT_PAGE)), ...(filters && { filters }) } });
  }
}
