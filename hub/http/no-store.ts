// API answers carry patient data: no browser or proxy cache may keep them.
import type { MiddlewareHandler } from 'hono';

export function noStore(): MiddlewareHandler {
  return async function noStore(c, next) {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'private, no-store');
  };
}
