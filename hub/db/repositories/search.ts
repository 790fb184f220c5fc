// Search over the org's conversations: patient names and message text, open and closed.
// Behind this one function so each database can answer it its own way.
import type { HubDatabase } from '../database.js';

/** Most conversations one search returns. */
export const SEARCH_LIMIT = 200;

/**
 * The org's conversations matching `q`, most recent first, each with a snippet of the best
 * match (hits between « and »). Every query is scoped to the org.
 */
export async function searchConversations(db: HubDatabase, orgId: string, q: string): Promise<Map<string, string>> {
  const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
  const like = (t: string) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const byName = await db
    .selectFrom('conversations')
    .innerJoin('patients', 'patients.id', 'conversations.patient_id')
    .select(['conversations.id', 'patients.name'])
    .where('conversations.org_id', '=', orgId)
    .where((eb) => eb.and(terms.map((t) => eb(eb.fn('lower', ['patients.name']), 'like', like(t)))))
    .orderBy('conversations.last_message_at', 'desc')
    .limit(SEARCH_LIMIT)
    .execute();
  const byText = await db
    .selectFrom('messages')
    .select(['messages.conversation_id as id', 'messages.body'])
    .where('messages.org_id', '=', orgId)
    .where((eb) => eb.and(terms.map((t) => eb(eb.fn('lower', ['messages.body']), 'like', like(t)))))
    .orderBy('messages.created_at', 'desc')
    .limit(SEARCH_LIMIT)
    .execute();
  const hits = new Map<string, string>();
  for (const row of byName) hits.set(row.id, highlight(row.name, terms));
  for (const row of byText) if (!hits.has(row.id)) hits.set(row.id, highlight(row.body, terms));
  return hits;
}

/** A window of the text around the first hit, with every hit marked. */
export function highlight(text: string, terms: readonly string[], width = 120): string {
  const lower = text.toLowerCase();
  const first = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0), text.length);
  const start = Math.max(0, first - width / 3);
  let window = text.slice(start, start + width);
  for (const term of terms) {
    window = window.replace(new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), (m) => `«${m}»`);
  }
  return `${start > 0 ? '…' : ''}${window}${start + width < text.length ? '…' : ''}`;
}
