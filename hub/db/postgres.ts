// The PostgreSQL dialect: one pg Pool per hub. bigint columns (times, seq) come back as
// numbers, as they do from SQLite: every value the hub keeps there is below 2^53.
import { PostgresDialect } from 'kysely';
import pg from 'pg';

export interface PostgresOptions {
  /** Connections in the pool. The message writer uses one at a time; REST and the gateway's reads share the rest. */
  max?: number;
  /** How long a query waits for a connection before it fails (and the hub answers `overloaded` / 503). */
  connectTimeoutMs?: number;
  /**
   * How long a query waits for its answer before it fails (0: for ever). A connection whose
   * peer went silent (a cut network sends no reset) would otherwise hold a message, and the
   * sender's ack or refusal, until the operating system gives the TCP connection up.
   */
  queryTimeoutMs?: number;
  /** Called when a pooled connection breaks, idle or in use (the pool drops it; the next query reconnects). */
  onConnectionError?: (error: Error) => void;
}

const INT8_OID = 20;
const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** pg's message for a query that did not answer in time (the same words as its own `query_timeout`). */
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function postgresDialect(url: string, options: PostgresOptions = {}): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // pg waits for a connection forever by default; a hub whose database is gone must refuse instead.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    keepAlive: true,
    types,
  });
  // Without a listener a broken connection is an uncaught 'error' that ends the process. The pool
  // listens on idle connections only; a connection in use (a transaction between statements, or
  // a query in flight, whose own promise rejects as well) is the caller's, so it gets one too.
  const onError = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', onError);
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  pool.on('connect', (client) => {
    client.on('error', onError);
    if (queryTimeoutMs > 0) limitQueryTime(client, queryTimeoutMs);
  });
  return { dialect: new PostgresDialect({ pool }), pool };
}

/**
 * A query that does not answer in time closes its connection. pg's own `query_timeout` is not
 * used: it gives up on the answer but keeps the connection, which goes back to the pool with
 * the statement, and the transaction around it, still open on the server, and it drops a
 * ROLLBACK queued behind it, so the next transaction on that connection would run inside the
 * old one. Closing instead makes the server abort the transaction, fails every query queued
 * on the connection, and the pool drops it when it is released.
 */
function limitQueryTime(client: pg.PoolClient, ms: number): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const stream = () => (client as unknown as { connection: { stream: { destroy(error?: Error): void } } }).connection.stream;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (!(result instanceof Promise)) return result;
    const timer = setTimeout(() => stream().destroy(new Error(QUERY_TIMEOUT_MESSAGE)), ms);
    return result.finally(() => clearTimeout(timer));
  };
}
