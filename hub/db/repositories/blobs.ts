// Attachment bytes kept in the database itself, so every hub on a shared database serves them.
import type { HubDatabase } from '../database.js';

export async function putBlob(db: HubDatabase, key: string, data: Uint8Array, now = Date.now()): Promise<void> {
  // pg sends a Buffer as bytea but a plain Uint8Array as an array literal; better-sqlite3 takes either.
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  await db
    .insertInto('blobs')
    .values({ key, bytes, created_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ bytes, created_at: now }))
    .execute();
}

export async function getBlob(db: HubDatabase, key: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('blobs').select('bytes').where('key', '=', key).executeTakeFirst();
  return row && new Uint8Array(row.bytes);
}

export async function deleteBlob(db: HubDatabase, key: string): Promise<void> {
  await db.deleteFrom('blobs').where('key', '=', key).execute();
}
