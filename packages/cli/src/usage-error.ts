import { EXIT } from './exit-codes.js';

/**
 * Bad usage or bad input (a missing file, an unreadable model, an invalid option value).
 * The CLI prints its message as one line and exits with code 2, without a stack trace unless --debug.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

/** Formats an error for the terminal: one line, or the stack with `debug`. */
export function formatError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack) return error.stack;
  const message = error instanceof Error ? error.message : String(error);
  return `meshparts: ${message.split('\n')[0]}`;
}
