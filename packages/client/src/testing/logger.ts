import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';

/** The client's logger shape (`(message, fields?)` per level), so one logger serves both. */
export type EmulatorLogger = Logger;

/** The default: the emulator says nothing unless asked. */
export const SILENT_LOGGER: EmulatorLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Wraps a logger so that the API key can never reach it: every string in the message and the fields
 * (recursively) has the key replaced. The emulator never logs headers in the first place; this is the
 * second line of defence, for keys that arrive in a URL or a form field by mistake.
 */
export function redactingLogger(logger: EmulatorLogger, secret: string): EmulatorLogger {
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactSecrets(value, [secret]);
    if (depth > 4 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
  };
  const wrap =
    (level: keyof EmulatorLogger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const clean = scrub(message, 0) as string;
      if (fields === undefined) logger[level](clean);
      else logger[level](clean, scrub(fields, 0) as Record<string, unknown>);
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/**
 * One info line per request once it is over: origin, method, path (never the query, never headers),
 * status or `dropped`, and duration. The logger it writes to redacts the key on top of that.
 */
export function logRequest(
  logger: EmulatorLogger,
  origin: 'api' | 'storage',
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const started = performance.now();
  const path = (req.url ?? '/').split('?')[0];
  res.once('close', () => {
    const outcome = res.writableFinished ? String(res.statusCode) : 'dropped';
    logger.info(`${origin} ${req.method} ${path} ${outcome}`, {
      ms: Math.round(performance.now() - started),
    });
  });
}
