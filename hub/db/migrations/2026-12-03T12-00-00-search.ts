// Full-text search over message text and patient names, each database its own way, and an
// index the inbox's mention counts need. Frozen: change the schema in a new migration.
//
// SQLite: FTS5 tables with external content (the text stays in messages and patients only;
// the index keeps the tokens), keyed by the tables' rowids and kept in step by triggers, so a
// write costs one index insert and no second copy of the text. Both tables have indexes of
// their own, which is what makes VACUUM keep their rowids (it renumbers only tables with none).
// The indexes also keep one- and two-letter prefixes, so that a search for "a" or "pr"
// (the first keys typed) reads one list instead of merging those of hundreds of words.
// Tokens are unicode61 with diacritics removed ("jose" finds "José"); cascaded deletes (a
// conversation going) fire the delete triggers, so deleted text leaves the index.
//
// PostgreSQL: GIN indexes on to_tsvector('clinic_search', …), a text search configuration
// that copies 'simple' (no stemming, no stop words: names and clinical words are kept as
// written) and, where the unaccent extension can be had, folds diacritics the same way.
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

const TOKENIZE = `tokenize = "unicode61 remove_diacritics 2"`;

export async function up(db: Kysely<any>): Promise<void> {
  // An inbox row counts the viewer's open mentions of its conversation: by conversation, not by
  // a scan of every mention.
  await db.schema.createIndex('mentions_conversation').on('mentions').columns(['conversation_id', 'staff_id', 'dismissed_at']).execute();
  if (dialectOf(db) === 'postgres') return upPostgres(db);
  for (const [table, column] of [
    ['messages', 'body'],
    ['patients', 'name'],
  ] as const) {
    const fts = `${table}_search`;
    await sql.raw(`create virtual table ${fts} using fts5(${column}, content = '${table}', content_rowid = 'rowid', ${TOKENIZE}, prefix = '1 2')`).execute(db);
    await sql.raw(`create trigger ${fts}_insert after insert on ${table} begin insert into ${fts}(rowid, ${column}) values (new.rowid, new.${column}); end`).execute(db);
    await sql
      .raw(`create trigger ${fts}_delete after delete on ${table} begin insert into ${fts}(${fts}, rowid, ${column}) values ('delete', old.rowid, old.${column}); end`)
      .execute(db);
    await sql
      .raw(
        `create trigger ${fts}_update after update of ${column} on ${table} when old.${column} is not new.${column} begin ` +
          `insert into ${fts}(${fts}, rowid, ${column}) values ('delete', old.rowid, old.${column}); ` +
          `insert into ${fts}(rowid, ${column}) values (new.rowid, new.${column}); end`,
      )
      .execute(db);
    // The rows from before this migration.
    await sql.raw(`insert into ${fts}(${fts}) values ('rebuild')`).execute(db);
  }
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  // unaccent is a trusted extension (PostgreSQL 13+): a role that may create in the database can
  // install it. It goes to the public schema, so that a hub's own schema being dropped never takes
  // it from another. If it cannot be had, diacritics count on PostgreSQL (a savepoint keeps the
  // migration's transaction usable). Kysely's migration lock serialises hubs migrating at once.
  let unaccent = await unaccentSchema(db);
  if (!unaccent) {
    await sql`savepoint search_unaccent`.execute(db);
    try {
      await sql`create extension if not exists unaccent schema public`.execute(db);
      await sql`release savepoint search_unaccent`.execute(db);
      unaccent = await unaccentSchema(db);
    } catch {
      await sql`rollback to savepoint search_unaccent`.execute(db);
    }
  }
  await sql`create text search configuration clinic_search (copy = simple)`.execute(db);
  if (unaccent) {
    await sql`alter text search configuration clinic_search alter mapping for word, hword, hword_part with ${sql.id(unaccent, 'unaccent')}, simple`.execute(db);
  }
  await sql`create index messages_search on messages using gin (to_tsvector('clinic_search', body))`.execute(db);
  await sql`create index patients_search on patients using gin (to_tsvector('clinic_search', name))`.execute(db);
}

/** The schema the unaccent extension is installed in, if it is. */
async function unaccentSchema(db: Kysely<any>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'unaccent'`.execute(db);
  return rows[0]?.schema;
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('mentions_conversation').execute();
  if (dialectOf(db) === 'postgres') {
    await sql`drop index messages_search`.execute(db);
    await sql`drop index patients_search`.execute(db);
    await sql`drop text search configuration clinic_search`.execute(db);
    return;
  }
  for (const table of ['messages', 'patients']) {
    for (const event of ['insert', 'delete', 'update']) await sql.raw(`drop trigger ${table}_search_${event}`).execute(db);
    await sql.raw(`drop table ${table}_search`).execute(db);
  }
}
