// Where attachment bytes live: files under the hub's data folder (never a served folder), a
// table in the hub's database (shared by every hub on one PostgreSQL), or memory in relay
// mode. A put is durable (fsynced or committed) before it resolves, so the database row that
// names it can be committed after it.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HubDatabase } from './db/database.js';
import { deleteBlob, getBlob, putBlob } from './db/repositories/blobs.js';

export interface BlobStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  delete?(key: string): Promise<void>;
}

export class FileBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch {
      return undefined;
    }
  }

  /** Overwrites the file with zeros before unlinking it, so its bytes do not stay in the freed blocks (see docs/retention.md for what a filesystem may still keep). */
  async delete(key: string): Promise<void> {
    const path = this.path(key);
    const handle = await open(path, 'r+').catch(() => undefined);
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      await handle.write(new Uint8Array(size), 0, size, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(path, { force: true });
  }

  private path(key: string): string {
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(key)) throw new Error('invalid blob key');
    return join(this.root, key);
  }
}

export class DatabaseBlobStore implements BlobStore {
  constructor(private readonly db: HubDatabase) {}

  put(key: string, bytes: Uint8Array): Promise<void> {
    return putBlob(this.db, key, bytes);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return getBlob(this.db, key);
  }

  delete(key: string): Promise<void> {
    return deleteBlob(this.db, key);
  }
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.blobs.set(key, bytes);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(key);
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }
}
