/**
 * Everything the CLI prints goes through here: results on stdout (text, or JSON with `--json`),
 * messages on stderr (quiet-aware), the one failure shape, tables, the stderr logger, and the guards
 * that keep a closed or full output stream from stopping a run.
 *
 * - stdout holds the command's result only: with `--json`, one JSON document and nothing else.
 * - stderr holds progress, messages and failures; `--quiet` keeps failures only.
 * - Strings that come from outside (file names, model names, server answers) are printed through
 *   {@link printable}: a name holding escape sequences or newlines cannot forge or hide lines.
 * - A write to a stream whose reader went away (EPIPE: `| head`) or whose disk is full (ENOSPC:
 *   `> /dev/full`) never throws: the stream is marked broken and later writes to it are dropped. A run
 *   that has paid for tasks must finish its journal and its packs whatever happens to the terminal.
 */

/** The failure document of `--json` (the same for every command). */
export interface JsonFailure {
  ok: false;
  error: {
    /** `usage`: bad usage or input, exit 2; `failure`: it was tried and failed, exit 1. */
    kind: 'usage' | 'failure';
    message: string;
    /** The error's own code (a client error's `code`, a split error's `code`), when it has one. */
    code?: string;
    /** The paid task the failure concerns, when there is one. */
    taskId?: string;
  };
}

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Streams marked broken by {@link guardStream}: later writes to them are dropped. */
const BROKEN = Symbol('meshparts.output.broken');
/** Why a guarded stream broke: the write error's code (`EPIPE`, `ENOSPC`, …). */
const BROKEN_BY = Symbol('meshparts.output.brokenBy');
type Guarded = NodeJS.WritableStream & { [BROKEN]?: boolean; [BROKEN_BY]?: string };

/**
 * Makes write errors on a stream harmless: EPIPE, ENOSPC, EIO and the like mark it broken instead of
 * crashing the process with an uncaught error. Idempotent. bin.ts guards stdout and stderr at start.
 */
export function guardStream(stream: NodeJS.WritableStream): void {
  const guarded = stream as Guarded;
  if (guarded[BROKEN] !== undefined) return;
  guarded[BROKEN] = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    guarded[BROKEN] = true;
    guarded[BROKEN_BY] ??= error.code ?? 'an error';
  });
}

/** The code of the write error that broke a guarded stream (`ENOSPC`), or undefined. */
export function brokenBy(stream: NodeJS.WritableStream): string | undefined {
  return (stream as Guarded)[BROKEN_BY];
}

/** Whether a guarded stream's reader went away or its disk filled up: writes to it are dropped. */
export function isBroken(stream: NodeJS.WritableStream): boolean {
  return (stream as Guarded)[BROKEN] === true;
}

/** Writes unless the stream is broken; a synchronous throw (a destroyed stream) marks it broken too. */
export function safeWrite(stream: NodeJS.WritableStream, text: string): void {
  const guarded = stream as Guarded;
  if (guarded[BROKEN]) return;
  try {
    stream.write(text);
  } catch {
    guarded[BROKEN] = true;
  }
}

/**
 * Untrusted text made safe for a terminal line: C0 and C1 control characters (ESC, CR, LF, BEL, …),
 * DEL and the bidirectional overrides are shown as `\u{…}` escapes, so a file name or a server
 * message cannot move the cursor, clear the screen, colour the output, start a new line or reorder
 * what follows it.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu,
    (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`,
  );
}

/**
 * One word of a command the user is told to paste (a path, a task id), quoted as a POSIX shell needs
 * it: as it is when it holds only characters no shell treats specially, else in single quotes, a
 * quote inside written `'\''`. Print the result through {@link printable} like any outside text.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * `meshparts: <message>` (or the stack with `debug`), the one way an error is shown: one line, the
 * whole message (a line break in it is shown as `\u{a}` by {@link printable}, never cut there).
 */
export function formatError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack)
    return error.stack.split('\n').map(printable).join('\n');
  const message = error instanceof Error ? error.message : String(error);
  return `meshparts: ${printable(message)}`;
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;

  constructor(options: OutputOptions = {}) {
    this.json = Boolean(options.json);
    this.quiet = Boolean(options.quiet);
    this.debug = Boolean(options.debug);
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    guardStream(this.stdout);
    guardStream(this.stderr);
  }

  /** The command's JSON result on stdout (with `--json`), pretty-printed. */
  writeJson(document: unknown): void {
    safeWrite(this.stdout, `${JSON.stringify(document, null, 2)}\n`);
  }

  /** The command's text result on stdout (a number, a table). Never hidden by `--quiet`. */
  result(text: string): void {
    safeWrite(this.stdout, `${text}\n`);
  }

  /** A message on stderr: progress, what was done. `--quiet` hides it. */
  info(line: string): void {
    if (!this.quiet) safeWrite(this.stderr, `${line}\n`);
  }

  /** A report on stderr that `--quiet` does not hide (a dry run's plan: what was asked for). */
  report(text: string): void {
    safeWrite(this.stderr, `${text}\n`);
  }

  /** A failure or warning on stderr, always shown (prefixed `meshparts: `). */
  error(line: string): void {
    safeWrite(this.stderr, `meshparts: ${line}\n`);
  }

  /**
   * A command that failed as a whole: one line on stderr (the stack with `--debug`) and, with
   * `--json`, the {@link JsonFailure} document on stdout, so a build tool parsing stdout always gets
   * JSON.
   */
  failure(kind: JsonFailure['error']['kind'], error: unknown, extra: { taskId?: string } = {}): void {
    safeWrite(this.stderr, `${formatError(error, this.debug)}\n`);
    if (!this.json) return;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    const failure: JsonFailure = {
      ok: false,
      error: {
        kind,
        message,
        ...(typeof code === 'string' ? { code } : {}),
        ...(extra.taskId !== undefined ? { taskId: extra.taskId } : {}),
      },
    };
    this.writeJson(failure);
  }

  /**
   * The CLI's one logger, on stderr (stdout is for results): warnings and errors always, debug and
   * info lines with `--debug`. It fits both glTF-Transform's ILogger (`(text)`) and the client's
   * Logger (`(message, fields)`), and replaces every occurrence of `secret` (the API key) in what it
   * prints, a second line of defence behind the client's own redaction.
   */
  logger(redact: (text: string) => string = (text) => text): CliLogger {
    const write =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void => {
        const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
        safeWrite(this.stderr, `meshparts: ${level}: ${printable(redact(`${message}${extra}`))}\n`);
      };
    const quiet = (): void => {};
    return {
      debug: this.debug ? write('debug') : quiet,
      info: this.debug ? write('info') : quiet,
      warn: write('warning'),
      error: write('error'),
    };
  }
}

/** A logger for both glTF-Transform (`ILogger`) and the client (`Logger`). */
export interface CliLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}

/** `1 part`, `2 parts`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
