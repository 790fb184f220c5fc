// GET /v1/attachments/:id: the bytes of one attachment, to a member of its conversation only,
// as a download that no browser will render in the hub's origin or cache.
import { Hono } from 'hono';
import { ATTACHMENT_TYPES } from '../../protocol/limits.js';
import type { HubContext } from '../context.js';
import { getAttachment } from '../db/repositories/messages.js';
import { auditStaffRead, requireReader, visibleConversation } from '../domain/access.js';
import type { UserEnv } from '../http/auth.js';
import { httpError } from '../http/errors.js';

/** RFC 6266 / RFC 8187: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 200) || 'attachment';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export function attachmentsApp(ctx: HubContext) {
  return new Hono<UserEnv>().get('/:id', async (c) => {
    const identity = c.get('identity');
      requireReader(identity);
    const attachment = await getAttachment(ctx.db, identity.orgId, c.req.param('id'));
    const conversation = attachment && (await visibleConversation(ctx.db, identity, attachment.conversation_id));
    if (!attachment || !conversation) throw httpError(404, 'not-found', 'no such attachment');
    const bytes = await ctx.blobs.get(attachment.storage_key);
    if (!bytes) {
      ctx.log.error({ attachment: attachment.id }, 'attachment bytes missing from the blob store');
      throw httpError(404, 'not-found', 'no such attachment');
    }
    await auditStaffRead(ctx.db, identity, 'attachment.read', { type: 'attachment', id: attachment.id }, { conversation: conversation.id, size: bytes.byteLength });
    // The stored type was sniffed from the bytes; anything else is served as opaque bytes.
    const mime = (ATTACHMENT_TYPES as readonly string[]).includes(attachment.mime) ? attachment.mime : 'application/octet-stream';
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': mime,
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': contentDisposition(attachment.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
  });
}
