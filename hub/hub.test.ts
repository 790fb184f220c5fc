// createHub as a library: it opens what its options name and nothing the environment says,
// so a program (or a test) that embeds it never writes into a database it did not choose.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHub } from './hub.js';

describe('createHub', () => {
  const saved = process.env.DATABASE_URL;
  let dataDir: string | undefined;

  afterEach(async () => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps its SQLite file under dataDir even when DATABASE_URL names another database', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clinic-chat-hub-env-'));
    // A server nothing listens on: a hub that read it would fail to start.
    process.env.DATABASE_URL = 'postgres://nobody@127.0.0.1:1/none';
    const hub = await createHub({ port: 0, dataDir, logLevel: 'silent' });
    try {
      expect(existsSync(join(dataDir, 'clinic-chat.sqlite'))).toBe(true);
      expect((await fetch(`${hub.url}/health`)).status).toBe(200);
    } finally {
      await hub.close();
    }
  });
});
