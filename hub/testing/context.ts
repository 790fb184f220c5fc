// A HubContext for tests: a real database (SQLite in memory unless a location is given, which
// may be a postgres:// URL), blobs in memory, a silent logger, and settings a test may override.
import pino from 'pino';
import { MemoryBlobStore } from '../blobs.js';
import type { HubContext } from '../context.js';
import { openDatabase } from '../db/database.js';
import { DatabaseHealth } from '../domain/database-health.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnop';

export async function createTestContext(overrides: Partial<HubContext> & { database?: string } = {}): Promise<HubContext> {
  const { database = ':memory:', ...rest } = overrides;
  const log = pino({ level: 'silent' });
  const db = rest.db ?? (await openDatabase(database));
  return {
    db,
    health: new DatabaseHealth(db, log),
    blobs: new MemoryBlobStore(),
    log,
    ephemeral: false,
    adminKey: TEST_ADMIN_KEY,
    maxTokenTtlSec: 3600,
    clockToleranceSec: 5,
    ...rest,
  };
}
