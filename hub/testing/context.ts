// A HubContext for tests: a real SQLite database (memory unless a path is given), blobs in
// memory, a silent logger, and settings a test may override.
import pino from 'pino';
import { MemoryBlobStore } from '../blobs.js';
import type { HubContext } from '../context.js';
import { openDatabase } from '../db/database.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';

export async function createTestContext(overrides: Partial<HubContext> & { dbPath?: string } = {}): Promise<HubContext> {
  const { dbPath = ':memory:', ...rest } = overrides;
  return {
    db: await openDatabase(dbPath),
    blobs: new MemoryBlobStore(),
    log: pino({ level: 'silent' }),
    ephemeral: false,
    adminKey: TEST_ADMIN_KEY,
    maxTokenTtlSec: 3600,
    clockToleranceSec: 5,
    ...rest,
  };
}
