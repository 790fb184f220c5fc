// The SQLite dialect: better-sqlite3 in WAL mode (a file, or memory for relay mode), with its
// prepared statements kept.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { SqliteDialect, type SqliteDatabase } from 'kysely';

/** Statements kept prepared, by SQL text. Kysely prepares every query anew; the hub runs a few dozen shapes. */
const STATEMENT_CACHE = 256;

/**
 * better-sqlite3 with its prepared statements reused: preparing costs more than running most
 * of the hub's queries. Safe because better-sqlite3 runs one statement at a time.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql); // re-insert: the Map's order is then least recently used first
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

/** Opens (and creates) the SQLite file at `path`; ':memory:' keeps everything in memory. */
export function sqliteDialect(path: string): SqliteDialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits);
  // FULL also survives power loss. We take FULL: acknowledged means stored.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten with zeros, not just unlinked: a purged message's text must not
  // linger in free pages of the file (see docs/retention.md).
  sqlite.pragma('secure_delete = ON');
  // SQLite's lower() and LIKE fold ASCII only: "Émile" would never match "émile".
  sqlite.function('clinic_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldText(text) : text));
  return new SqliteDialect({ database: withStatementCache(sqlite) });
}

/** Lower case without diacritics: what names are compared in, so "émile", "Emile" and "ÉMILE" match. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
