/**
 * The logger the client writes to. It matches the common shape of pino, console and most structured
 * loggers, so callers can pass theirs directly. The client never logs headers or the API key.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const noop = (): void => {};

/** Default logger: silent, because a library must not write to the console on its own. */
export function silentLogger(): Logger {
  return { debug: noop, info: noop, warn: noop, error: noop };
}
