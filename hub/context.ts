// What every part of the hub is given: the database and its health, the blob store, the logger and settings.
import type { Logger } from 'pino';
import type { BlobStore } from './blobs.js';
import type { HubDatabase } from './db/database.js';
import type { DatabaseHealth } from './domain/database-health.js';
import type { Mailer } from './mail.js';

export interface HubContext {
  db: HubDatabase;
  /** Whether the database answers; failures of reach are reported here. */
  health: DatabaseHealth;
  blobs: BlobStore;
  log: Logger;
  /** Relay mode: nothing on disk; a conversation vanishes when its patient leaves. */
  ephemeral: boolean;
  /** Hub-wide admin API key (`Authorization: Bearer <key>` on /admin). */
  adminKey?: string;
  /** Longest token lifetime accepted (exp − now), seconds. */
  maxTokenTtlSec: number;
  /** Clock skew tolerated on exp/nbf/iat, seconds. */
  clockToleranceSec: number;
  /** Sends transcripts by e-mail; absent when the hub has no SMTP server configured. */
  mailer?: Mailer;
}
