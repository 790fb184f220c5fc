// A fresh PostgreSQL schema per bench run, as the hub's tests make one: a random name, and a
// URL whose connections set search_path to it, so the hub's own migrations create its tables
// there. Every schema made is dropped when the bench ends, however it ends: `dropAll()` on the
// bench's own exit paths, and a synchronous last resort in an 'exit' handler (a child process
// that runs this file) for the paths that cannot wait.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The local test server: trust authentication, database `test`. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

const CONNECT_TIMEOUT_MS = 5000;

/** Schemas made and not yet dropped, by server URL. */
const live = new Map<string, Set<string>>();

process.on('exit', () => {
  for (const [serverUrl, schemas] of live) {
    if (schemas.size === 0) continue;
    spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), serverUrl, ...schemas], { stdio: 'inherit', timeout: 10_000 });
  }
});

export class BenchSchema {
  private constructor(
    private readonly serverUrl: string,
    readonly name: string,
    /** For the hubs: connections land in this schema and name themselves after it in pg_stat_activity. */
    readonly url: string,
  ) {}

  static async create(serverUrl: string): Promise<BenchSchema> {
    const name = `bench_${randomBytes(6).toString('hex')}`;
    await onServer(serverUrl, (client) => client.query(`create schema ${name}`));
    const schemas = live.get(serverUrl) ?? new Set();
    live.set(serverUrl, schemas.add(name));
    const url = new URL(serverUrl);
    url.searchParams.set('options', `-c search_path=${name}`);
    url.searchParams.set('application_name', applicationName(name));
    return new BenchSchema(serverUrl, name, url.toString());
  }

  /** The server processes (backends) that serve the hubs' connections now, for their CPU time. */
  async backendPids(): Promise<number[]> {
    const result = await onServer(this.serverUrl, (client) =>
      client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName(this.name)]),
    );
    return result.rows.map((row) => row.pid);
  }

  async drop(): Promise<void> {
    await dropSchemas(this.serverUrl, [this.name]);
    live.get(this.serverUrl)?.delete(this.name);
  }
}

/** The server's version and the settings that decide what a commit costs, for the report's header. */
export async function describeServer(serverUrl: string): Promise<string> {
  const result = await onServer(serverUrl, (client) =>
    client.query<{ name: string; setting: string }>(
      "select name, setting from pg_settings where name in ('server_version', 'synchronous_commit', 'fsync', 'wal_sync_method') order by name",
    ),
  );
  const settings = new Map(result.rows.map((row) => [row.name, row.setting]));
  const version = settings.get('server_version') ?? 'unknown version';
  settings.delete('server_version');
  return `PostgreSQL ${version} (${[...settings].map(([name, setting]) => `${name} ${setting}`).join(', ')})`;
}

/** Drops every schema this process made and has not dropped yet. */
export async function dropAll(): Promise<void> {
  for (const [serverUrl, schemas] of live) {
    if (schemas.size === 0) continue;
    await dropSchemas(serverUrl, [...schemas]);
    schemas.clear();
  }
}

function applicationName(schema: string): string {
  return `clinic-chat-${schema}`;
}

/** Drops the schemas, first ending any connection still in them (a hub of a run cut short could hold its locks). */
async function dropSchemas(serverUrl: string, names: string[]): Promise<void> {
  await onServer(serverUrl, async (client) => {
    for (const name of names) {
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [applicationName(name)]);
      await client.query(`drop schema if exists ${name} cascade`);
    }
  });
}

async function onServer<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'clinic-chat-bench' });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is unreachable at ${serverUrl} (${(error as Error).message}); the PostgreSQL targets need it (--postgres URL)`);
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

// Run as a program (by the 'exit' handler above): `<server URL> <schema>...` drops those schemas.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [serverUrl, ...names] = process.argv.slice(2);
  if (serverUrl && names.every((name) => /^bench_[0-9a-f]+$/.test(name))) await dropSchemas(serverUrl, names);
}
