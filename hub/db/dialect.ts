// Which database a hub runs on, and what differs between them: the location decides
// (a postgres:// URL or a SQLite file), and the few places that must know ask here.
import { PostgresAdapter, type Kysely } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The dialect of an open database (migrations are typed `Kysely<any>`, so this takes any). */
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** PostgreSQL SQLSTATE classes that mean "the server is not reachable or not serving now". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[123]|53300)/;
/** Node socket errors and pg's own messages for a lost, refused or silent connection. */
const UNAVAILABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused|Query read timeout/i;

/** Thrown instead of trying a query while the database is known to be unreachable. */
export class DatabaseUnavailableError extends Error {
  constructor() {
    super('the database is unreachable');
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * True when a query failed because the database could not be reached (as opposed to a bad
 * query or a constraint): the caller should refuse for now and let the client retry.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_NET.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnavailable)) return true;
  return UNAVAILABLE_MESSAGE.test(error.message);
}
