// The hub's logger. Message bodies, tokens and keys never go into logs: callers log ids and
// counts, and these paths are redacted as a second line of defence.
import pino, { type Logger, type LevelWithSilent } from 'pino';

export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({
    level,
    base: { service: 'clinic-chat-hub' },
    redact: {
      paths: ['token', 'text', 'body', 'secret', '*.token', '*.text', '*.body', '*.secret', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
