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
    query_timeout: options.queryTimeoutMs ?? 5000,
    keepAlive: true,
    types,
  });
  // Without a listener a broken connection is an uncaught 'error' that ends the process. The pool
  // listens on idle connections only; a connection in use (a transaction between statements, or
  // a query in flight, whose own promise rejects as well) is the caller's, so it gets one too.
  const onError = (error: Error) => options.onConnectionError?.(error);
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return { dialect: new PostgresDialect({ pool }), pool };
}
