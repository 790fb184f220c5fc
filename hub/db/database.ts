// Opens the hub's database: better-sqlite3 in WAL mode (a file, or memory for relay mode),
// and brings its schema up to date with the dated migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider, type SqliteDatabase } from 'kysely';
import * as core from './migrations/2026-11-21T00-00-00-core.js';
import type { Database } from './tables.js';

/** Every migration, by name; names sort in the order they run. Listed here so a bundled build needs no folder scan. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-21T00-00-00-core': core,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export type HubDatabase = Kysely<Database>;

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

/** Opens (and creates) the SQLite database at `path`; ':memory:' keeps everything in memory. */
export async function openDatabase(path: string): Promise<HubDatabase> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits);
  // FULL also survives power loss. We take FULL: acknowledged means stored.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return db;
}
