// Search over the org's conversations: patient names and message text, open and closed.
// Behind this one function so each database can answer it its own way: FTS5 on SQLite,
// GIN-indexed tsvectors on PostgreSQL (see the search migration). Both read the query the
// same way: every word must match (AND), each as the start of a word (prefix: "presc" finds
// "prescription"), diacritics ignored ("jose" finds "José"). The user's text is never query
// syntax: each word becomes a quoted phrase (FTS5) or quoted lexemes (tsquery).
import { sql } from 'kysely';
import type { HubDatabase } from '../database.js';
import { dialectOf } from '../dialect.js';

/** Most conversations one search returns. */
export const SEARCH_LIMIT = 200;
/** Words of a query past this many are ignored: each costs an index lookup. */
export const MAX_TERMS = 8;

/**
 * The org's conversations matching `q`, most recent first, each with a snippet of the best
 * match (hits between « and »). Every query is scoped to the org. A query without a letter
 * or a digit finds nothing.
 */
export async function searchConversations(db: HubDatabase, orgId: string, q: string): Promise<Map<string, string>> {
  const terms = searchTerms(q);
  if (!terms.length) return new Map();
  const { byName, byText } = dialectOf(db) === 'postgres' ? await searchPostgres(db, orgId, terms) : await searchSqlite(db, orgId, terms);
  const hits = new Map<string, string>();
  for (const row of byName) if (!hits.has(row.id)) hits.set(row.id, row.snippet);
  for (const row of byText) if (!hits.has(row.id)) hits.set(row.id, row.snippet);
  return hits;
}

/** The query's words: split on white space, NFC, without those that hold no letter or digit. */
export function searchTerms(q: string): string[] {
  return q
    .normalize('NFC')
    .split(/\s+/)
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, MAX_TERMS);
}

/** FTS5: each word a quoted phrase (its own punctuation is left to the tokenizer) matched as a prefix, all of them required. */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND ');
}

/**
 * tsquery: each word's letter-and-digit runs as quoted lexemes, one after the other (so
 * "o'brien" stays a phrase), the last a prefix; words joined by AND.
 */
export function tsQuery(terms: readonly string[]): string {
  return terms
    .map((t) => {
      const parts = t.match(/[\p{L}\p{N}]+/gu) ?? [];
      const lexemes = parts.map((p, i) => `'${p.replace(/'/g, "''")}'${i === parts.length - 1 ? ':*' : ''}`);
      return lexemes.length > 1 ? `(${lexemes.join(' <-> ')})` : lexemes[0];
    })
    .filter(Boolean)
    .join(' & ');
}

interface Hit {
  id: string;
  snippet: string;
}

async function searchSqlite(db: HubDatabase, orgId: string, terms: readonly string[]): Promise<{ byName: Hit[]; byText: Hit[] }> {
  const match = fts5Query(terms);
  const byName = await sql<Hit>`
    select c.id, highlight(patients_search, 0, '«', '»') as snippet
    from patients_search
    join patients p on p.rowid = patients_search.rowid
    join conversations c on c.org_id = p.org_id and c.patient_id = p.id
    where patients_search match ${match} and p.org_id = ${orgId}
    order by c.last_message_at desc
    limit ${SEARCH_LIMIT}`.execute(db);
  // Newest first by rowid, the order messages are stored in: FTS5 walks its index backwards and
  // stops at the limit, so a common word costs no more than a rare one, and only the rows kept
  // get a snippet.
  const byText = await sql<Hit>`
    select m.conversation_id as id, snippet(messages_search, 0, '«', '»', '…', 16) as snippet
    from messages_search
    join messages m on m.rowid = messages_search.rowid
    where messages_search match ${match} and m.org_id = ${orgId}
    order by messages_search.rowid desc
    limit ${SEARCH_LIMIT}`.execute(db);
  return { byName: byName.rows, byText: byText.rows };
}

const HEADLINE = 'StartSel=«, StopSel=», MaxWords=20, MinWords=8, ShortWord=2, MaxFragments=1, FragmentDelimiter=" … "';

async function searchPostgres(db: HubDatabase, orgId: string, terms: readonly string[]): Promise<{ byName: Hit[]; byText: Hit[] }> {
  const query = tsQuery(terms);
  if (!query) return { byName: [], byText: [] };
  const byName = await sql<Hit>`
    select c.id, ts_headline('clinic_search', p.name, to_tsquery('clinic_search', ${query}), 'StartSel=«, StopSel=», HighlightAll=true') as snippet
    from patients p
    join conversations c on c.org_id = p.org_id and c.patient_id = p.id
    where p.org_id = ${orgId} and to_tsvector('clinic_search', p.name) @@ to_tsquery('clinic_search', ${query})
    order by c.last_message_at desc
    limit ${SEARCH_LIMIT}`.execute(db);
  // The headline (the costly part) only for the rows kept.
  const byText = await sql<Hit>`
    with hits as (
      select m.conversation_id, m.body, m.created_at
      from messages m
      where m.org_id = ${orgId} and to_tsvector('clinic_search', m.body) @@ to_tsquery('clinic_search', ${query})
      order by m.created_at desc
      limit ${SEARCH_LIMIT}
    )
    select conversation_id as id, ts_headline('clinic_search', body, to_tsquery('clinic_search', ${query}), ${HEADLINE}) as snippet
    from hits
    order by created_at desc`.execute(db);
  return { byName: byName.rows, byText: byText.rows };
}
