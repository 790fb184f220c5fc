// Runs a test file against each database the hub supports: SQLite (a temp file) and PostgreSQL
// (DATABASE_URL, default the local test server), each test getting a fresh, empty database.
// On PostgreSQL "fresh" is a schema with a random name, dropped after the file: other test
// runs may share the server at the same time.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import type { DialectName } from '../db/dialect.js';

export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

export const POSTGRES_TEST_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabases {
  dialect: DialectName;
  /** The location of a new, empty database: a SQLite file path or a postgres:// URL (pass it to openDatabase or createHub). */
  fresh(): Promise<string>;
}

/** Registers the test file's databases for `dialect`; everything made is removed after the file. */
export function testDatabases(dialect: DialectName): TestDatabases {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  if (dialect === 'sqlite') {
    return {
      dialect,
      fresh: async () => {
        const dir = await mkdtemp(join(tmpdir(), 'clinic-chat-db-'));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        return join(dir, 'hub.sqlite');
      },
    };
  }
  return {
    dialect,
    fresh: async () => {
      const schema = `test_${randomBytes(6).toString('hex')}`;
      await onServer(`create schema ${schema}`);
      cleanups.push(() => onServer(`drop schema if exists ${schema} cascade`));
      return inSchema(POSTGRES_TEST_URL, schema);
    },
  };
}

/** `describe`s the body once per dialect, named after it, with that dialect's databases. */
export function eachDialect(body: (databases: TestDatabases) => void): void {
  describe.each(DIALECTS)('on %s', (dialect) => body(testDatabases(dialect)));
}

/** The URL with every connection's search_path set to `schema`, so unqualified tables land there. */
export function inSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    // A hub test on PostgreSQL must fail, never skip, when the server is not there.
    throw new Error(`PostgreSQL is unreachable at ${POSTGRES_TEST_URL} (${(error as Error).message}); start it (.ci/run does) or set DATABASE_URL`);
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
