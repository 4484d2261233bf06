import type { ModelLimits } from './options.js';

/**
 * Every error @meshparts/split throws on purpose derives from {@link SplitError}, in the style of
 * undici and the client's `StudioError`: callers branch on `instanceof`, `kind` and `code`, never on
 * a class name string.
 *
 * - `kind: 'input'`: the model (or the pack being read) is the problem — unreadable, hostile, over a
 *   limit, nothing to split, a strategy that does not fit. Retrying the same input fails the same way;
 *   the CLI exits 2.
 * - `kind: 'output'`: the pack cannot be written where it was asked to go (a folder that is not a
 *   pack, a name clash, an encoder failure). The input is fine.
 *
 * `message` is one line meant for users; `cause` keeps the underlying error for `--debug`. Raw file
 * system errors (ENOSPC, EACCES, ...) pass through unwrapped, with their `code`, so callers can tell
 * "disk full" from "bad model".
 */
export type SplitErrorKind = 'input' | 'output';

/** Machine-readable codes of {@link SplitError}s, one per case. */
export type SplitErrorCode =
  | 'MODEL_READ'
  | 'MODEL_LIMIT'
  | 'STRATEGY'
  | 'NO_LABELS'
  | 'NO_PARTS'
  | 'PACK_READ'
  | 'PACK_WRITE';

export abstract class SplitError extends Error {
  abstract readonly code: SplitErrorCode;
  abstract readonly kind: SplitErrorKind;
}

/**
 * Input that cannot be read as glTF: a missing file, bad bytes, broken JSON, a missing external
 * resource, an extension required by the file that no reader supports, a structure that lies about
 * its own sizes or references.
 */
export class ModelReadError extends SplitError {
  override readonly name: string = 'ModelReadError';
  readonly code: SplitErrorCode = 'MODEL_READ';
  readonly kind = 'input';
  /** The path (or `<bytes>`) that failed. */
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.source = source;
  }
}

/** A model past one of the {@link ModelLimits}: bad input, like ModelReadError. */
export class ModelLimitError extends ModelReadError {
  override readonly name = 'ModelLimitError';
  override readonly code = 'MODEL_LIMIT';
  constructor(
    source: string,
    message: string,
    readonly limit: keyof ModelLimits,
    readonly value: number,
    readonly max: number,
  ) {
    super(source, message);
  }
}

/** An explicitly requested strategy that does not fit the model. */
export class StrategyError extends SplitError {
  override readonly name = 'StrategyError';
  readonly code = 'STRATEGY';
  readonly kind = 'input';
}

/** A label strategy asked for, on a model that carries no such labels. */
export class NoLabelsError extends SplitError {
  override readonly name = 'NoLabelsError';
  readonly code = 'NO_LABELS';
  readonly kind = 'input';
}

/** A model with nothing to split (no mesh in the scene that is split). */
export class NoPartsError extends SplitError {
  override readonly name = 'NoPartsError';
  readonly code = 'NO_PARTS';
  readonly kind = 'input';
}

/** A pack that cannot be read back: a bad manifest, or files that do not match it. */
export class PackReadError extends SplitError {
  override readonly name = 'PackReadError';
  readonly code = 'PACK_READ';
  readonly kind = 'input';
}

/** A pack that cannot be written; the target is left as it was. */
export class PackWriteError extends SplitError {
  override readonly name = 'PackWriteError';
  readonly code = 'PACK_WRITE';
  readonly kind = 'output';
}
