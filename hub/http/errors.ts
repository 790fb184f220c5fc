// How the HTTP API fails: every refusal is an HTTPException whose body is
// `{ error: { code, message } }` with a stable code, and one onError turns anything else into
// a 500 that tells the caller nothing and the log enough.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import type { ErrorCode } from '../../protocol/errors.js';
import type { RestError } from '../../protocol/rest.js';
import type { HubContext } from '../context.js';
import { AuthError } from '../auth/tokens.js';

/** An HTTPException that knows its protocol error code. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    headers?: Record<string, string>,
  ) {
    super(status, { message, res: errorResponse(status, code, message, headers) });
  }
}

export function httpError(status: ContentfulStatusCode, code: ErrorCode, message: string, headers?: Record<string, string>): ApiError {
  return new ApiError(status, code, message, headers);
}

export function errorResponse(status: ContentfulStatusCode, code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  const body: RestError = { error: { code, message } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

/** The first valibot issue as one line: where it is and what is wrong (never a stack or a schema dump). */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Status codes a bare HTTPException (one thrown inside Hono, without our body) may carry, and their code. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 413) return 'too-large';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'internal';
  return 'invalid';
}

export function errorHandler(ctx: HubContext): ErrorHandler {
  return function onError(err: Error, c: Context): Response {
    if (err instanceof ApiError) return err.getResponse();
    if (err instanceof HTTPException) {
      const code = codeForStatus(err.status);
      return errorResponse(err.status as ContentfulStatusCode, code, code === 'internal' ? 'internal error' : err.message || code);
    }
    if (err instanceof AuthError) {
      return errorResponse(401, 'unauthorized', err.message, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (err instanceof v.ValiError) return errorResponse(400, 'invalid', describeIssue(err.issues[0]));
    // The database is unreachable: nothing was changed; the caller may retry soon.
    if (ctx.health.report(err)) return errorResponse(503, 'overloaded', 'the database is unavailable; retry shortly', { 'Retry-After': '1' });
    // Unexpected: the caller learns nothing; the log gets the error and the route, never a body or header.
    ctx.log.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    return errorResponse(500, 'internal', 'internal error');
  };
}

export const notFound: NotFoundHandler = function notFound() {
  return errorResponse(404, 'not-found', 'no such route');
};

/** A duplicate id or name: SQLite's constraint codes, and PostgreSQL's for when it joins. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Runs a write; a duplicate id or name is 409 `invalid` ("… already exists"), nothing written. */
export async function unlessDuplicate<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw httpError(409, 'invalid', `${what} already exists`);
    throw err;
  }
}
