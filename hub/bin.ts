#!/usr/bin/env node
// clinic-chat-hub: starts the hub from the command line.
import { parseArgs } from 'node:util';
import type { LevelWithSilent } from 'pino';
import { createHub } from './hub.js';

const HELP = `clinic-chat-hub [options]

  --port <n>         TCP port (default 8787; 0 picks a free one)
  --host <addr>      interface to listen on (default 127.0.0.1)
  --data-dir <dir>   database and attachments (default ./data)
  --database <loc>   postgres://user@host:5432/db, or a SQLite file
                     (default $DATABASE_URL, else <data-dir>/clinic-chat.sqlite)
  --blobs <where>    attachments in the database or in files under <data-dir>
                     (database|files; default database on PostgreSQL, files on SQLite)
  --ephemeral        relay mode: nothing written to disk
  --redis <url>      several hubs: share live frames, presence and rate limits
                     through this Redis (or REDIS_URL)
  --admin-key <key>  enable the admin API (or CLINIC_CHAT_ADMIN_KEY)
  --smtp-url <url>   e-mail transcripts through this SMTP server, e.g.
                     smtp://user:pass@mail.example.com:587 (or HUB_SMTP_URL)
  --smtp-from <addr> the From address of those mails (or HUB_SMTP_FROM)
  --log-level <lvl>  fatal|error|warn|info|debug|trace|silent (default info)
  --help

On start it prints one JSON line to stdout: {"event":"listening","url":…,"wsUrl":…}.`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    database: { type: 'string' },
    blobs: { type: 'string' },
    ephemeral: { type: 'boolean' },
    redis: { type: 'string' },
    'admin-key': { type: 'string' },
    'smtp-url': { type: 'string' },
    'smtp-from': { type: 'string' },
    'log-level': { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const port = values.port === undefined ? 8787 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`clinic-chat-hub: --port must be 0-65535`);
  process.exit(2);
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const logLevel = values['log-level'] ?? 'info';
if (!LEVELS.includes(logLevel)) {
  console.error(`clinic-chat-hub: --log-level must be one of ${LEVELS.join(', ')}`);
  process.exit(2);
}

const blobs = values.blobs;
if (blobs !== undefined && blobs !== 'database' && blobs !== 'files') {
  console.error(`clinic-chat-hub: --blobs must be database or files`);
  process.exit(2);
}

const smtpUrl = values['smtp-url'] ?? (process.env.HUB_SMTP_URL || undefined);
const smtpFrom = values['smtp-from'] ?? (process.env.HUB_SMTP_FROM || undefined);
if ((smtpUrl === undefined) !== (smtpFrom === undefined)) {
  console.error(`clinic-chat-hub: e-mail needs both --smtp-url and --smtp-from (HUB_SMTP_URL, HUB_SMTP_FROM)`);
  process.exit(2);
}

const hub = await createHub({
  port,
  host: values.host,
  dataDir: values['data-dir'],
  database: values.database ?? process.env.DATABASE_URL,
  blobs,
  ephemeral: values.ephemeral ?? false,
  redis: values.redis ?? (process.env.REDIS_URL || undefined),
  adminKey: values['admin-key'] ?? process.env.CLINIC_CHAT_ADMIN_KEY,
  logLevel: logLevel as LevelWithSilent,
  ...(smtpUrl && smtpFrom && { smtp: { url: smtpUrl, from: smtpFrom } }),
});
process.stdout.write(`${JSON.stringify({ event: 'listening', url: hub.url, wsUrl: hub.wsUrl })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await hub.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
