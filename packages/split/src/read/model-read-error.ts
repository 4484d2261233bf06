/**
 * Thrown for input that cannot be read as glTF: a missing file, bad bytes, broken JSON, a missing
 * external resource, an extension required by the file that no reader supports, a structure that
 * lies about its own sizes or references. `message` is one line meant for users; `cause` keeps the
 * underlying error for `--debug`.
 */
export class ModelReadError extends Error {
  override readonly name: string = 'ModelReadError';
  /** The path (or `<bytes>`) that failed. */
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.source = source;
  }
}
