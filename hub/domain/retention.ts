// The retention purge: per org with a retention, deletes the closed conversations past it (not on
// legal hold) with everything that references them, and their attachments' bytes from the blob
// store. The audit keeps one `retention.purge` row per org with counts only.
import { audit } from '../db/repositories/audit.js';
import type { PurgeResponse } from '../../protocol/inbox.js';
import { attachmentKeysOfConversations, compactSearchIndex, deleteConversations, expiredConversations, getRetention, orgsWithRetention } from '../db/repositories/retention.js';
import type { HubContext } from '../context.js';

const DAY_MS = 24 * 3600 * 1000;
/** Conversations deleted per transaction: a big backlog never holds the writer for long. */
const BATCH = 100;

export interface PurgeCounts {
  conversations: number;
  messages: number;
  attachments: number;
  patients: number;
}

/** Purges every org with a retention (or only `orgId`); returns the counts per org purged. */
export async function purgeExpired(ctx: Pick<HubContext, 'db' | 'blobs' | 'log'>, now = Date.now(), orgId?: string): Promise<Map<string, PurgeCounts>> {
  const result = new Map<string, PurgeCounts>();
  for (const org of await orgsWithRetention(ctx.db)) {
    if (org.retention_days === null || (orgId !== undefined && org.id !== orgId)) continue;
    const counts: PurgeCounts = { conversations: 0, messages: 0, attachments: 0, patients: 0 };
    const closedBefore = now - org.retention_days * DAY_MS;
    for (;;) {
      const batch = await expiredConversations(ctx.db, org.id, closedBefore, BATCH);
      if (!batch.length) break;
      const keys = await attachmentKeysOfConversations(
        ctx.db,
        org.id,
        batch.map((c) => c.id),
      );
      const deleted = await deleteConversations(ctx.db, org.id, batch);
      // After the rows: a crash in between leaves orphan bytes, never a row naming missing bytes.
      for (const key of keys) await ctx.blobs.delete?.(key);
      counts.conversations += deleted.conversations;
      counts.messages += deleted.messages;
      counts.patients += deleted.patients;
      counts.attachments += keys.length;
      if (batch.length < BATCH) break;
    }
    if (!counts.conversations) continue;
    await audit(ctx.db, { orgId: org.id, actor: { kind: 'system', id: 'retention' }, action: 'retention.purge', subject: { type: 'org', id: org.id }, detail: { ...counts, days: org.retention_days } }, now);
    ctx.log.info({ org: org.id, ...counts }, 'retention purge');
    result.set(org.id, counts);
  }
  if (result.size) await compactSearchIndex(ctx.db);
  return result;
}

/**
 * Purge now, for one org (the settings' "Purge now" and the admin API): the same purge the timer
 * runs, answered with its counts (all zero when the org keeps everything); undefined for an unknown org.
 */
export async function purgeOrgNow(ctx: Pick<HubContext, 'db' | 'blobs' | 'log'>, orgId: string, now = Date.now()): Promise<PurgeResponse | undefined> {
  const retention = await getRetention(ctx.db, orgId);
  if (!retention) return undefined;
  const counts = retention.days === null ? undefined : (await purgeExpired(ctx, now, orgId)).get(orgId);
  return { days: retention.days, conversations: 0, messages: 0, attachments: 0, patients: 0, ...counts };
}

/**
 * Runs the purge every `everyMs` (unref'd: it never keeps the process alive). A run still going
 * when the next is due is not doubled; `stop` waits for a running one. Several hubs on one
 * PostgreSQL may each run it: a conversation is deleted once, the others find nothing.
 */
export function startPurgeTimer(ctx: Pick<HubContext, 'db' | 'blobs' | 'log'>, everyMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= purgeExpired(ctx)
      .catch((error: unknown) => ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'retention purge failed'))
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
