// Opens the hub's database — SQLite (a file, or memory for relay mode) or PostgreSQL (a
// postgres:// URL) — and brings its schema up to date with the dated migrations, the same on both.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { dialectOf, isPostgresUrl } from './dialect.js';
import * as core from './migrations/2026-11-21T00-00-00-core.js';
import * as blobs from './migrations/2026-12-02T00-00-00-blobs.js';
import * as inbox from './migrations/2026-12-03T00-00-00-inbox.js';
import * as search from './migrations/2026-12-03T12-00-00-search.js';
import * as timeline from './migrations/2026-12-04T00-00-00-timeline.js';
import * as retention from './migrations/2026-12-04T02-00-00-retention.js';
import * as roles from './migrations/2026-12-04T04-00-00-roles.js';
import * as contacts from './migrations/2026-12-04T06-00-00-contacts.js';
import * as auditViewer from './migrations/2026-12-04T20-00-00-audit-viewer.js';
import { postgresDialect, type PostgresOptions } from './postgres.js';
import { sqliteDialect } from './sqlite.js';
import type { Database } from './tables.js';

/** Every migration, by name; names sort in the order they run. Listed here so a bundled build needs no folder scan. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-21T00-00-00-core': core,
  '2026-12-02T00-00-00-blobs': blobs,
  '2026-12-03T00-00-00-inbox': inbox,
  '2026-12-03T12-00-00-search': search,
  '2026-12-04T00-00-00-timeline': timeline,
  '2026-12-04T02-00-00-retention': retention,
  '2026-12-04T04-00-00-roles': roles,
  '2026-12-04T06-00-00-contacts': contacts,
  '2026-12-04T20-00-00-audit-viewer': auditViewer,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export type HubDatabase = Kysely<Database>;

export type OpenOptions = PostgresOptions;

/** Opens `location`: a postgres:// URL, a SQLite file path (created if missing), or ':memory:'. */
export async function openDatabase(location: string, options: OpenOptions = {}): Promise<HubDatabase> {
  if (!isPostgresUrl(location)) {
    const db = new Kysely<Database>({ dialect: sqliteDialect(location) });
    await migrate(db).catch(async (error: unknown) => {
      await db.destroy();
      throw error;
    });
    return db;
  }
  // A migration may run long on a big database, a serving query may not: migrations get a pool
  // of their own without the query timeout.
  const migrating = new Kysely<Database>({ dialect: postgresDialect(location, { ...options, max: 1, queryTimeoutMs: 0 }).dialect });
  try {
    await migrate(migrating);
  } finally {
    await migrating.destroy();
  }
  return new Kysely<Database>({ dialect: postgresDialect(location, options).dialect });
}

/** Brings the schema up to date; throws if a migration fails. */
async function migrate(db: HubDatabase): Promise<void> {
  // Kysely looks for its migration tables in every schema of a PostgreSQL database; name the one
  // this hub's search_path points at, so hubs (or test runs) in other schemas are not mistaken for this one.
  const migrationTableSchema = dialectOf(db) === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const { error, results } = await new Migrator({ db, provider, migrationTableSchema }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
export async function pingDatabase(db: HubDatabase, timeoutMs = 1000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      sql`select 1`.execute(db),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('database did not answer in time')), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
