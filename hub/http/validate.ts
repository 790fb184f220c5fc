// Validation at the edge: bodies and query strings go through the shared valibot schemas
// (protocol/rest.ts) before a handler sees them; the first problem is answered as 400 `invalid`.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { REST_LIMITS } from '../../protocol/rest.js';
import { describeIssue, httpError } from './errors.js';

/** Refuses a body over the REST limit before anything reads it. */
export function limitBody(maxBytes: number = REST_LIMITS.bodyBytes): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw httpError(413, 'too-large', `request bodies are limited to ${Math.floor(maxBytes / 1024)} KB`);
    },
  });
}

export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw httpError(400, 'invalid', 'the body must be JSON');
  }
  const result = v.safeParse(schema, raw);
  if (!result.success) throw httpError(400, 'invalid', describeIssue(result.issues[0]));
  return result.output;
}

export function parseQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  const result = v.safeParse(schema, c.req.query());
  if (!result.success) throw httpError(400, 'invalid', describeIssue(result.issues[0]));
  return result.output;
}
