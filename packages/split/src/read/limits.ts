import { ModelReadError } from './model-read-error.js';

/**
 * Limits on what a model may ask of the machine. A model is untrusted input: its file size, the vertex
 * counts it declares and the number of parts it splits into are checked against these before the
 * memory or the files they imply are allocated. The defaults let every real model through (a Tripo
 * upload is at most 150 MB) and stop a hostile one from costing gigabytes or a million files.
 */
export interface ModelLimits {
  /** Largest accepted model file, in bytes (checked from the file's size, before reading it). */
  maxFileBytes: number;
  /** Largest total vertex count, summed over the POSITION accessors the file declares. */
  maxVertices: number;
  /** Most parts one model may be split into (each part is a file). */
  maxParts: number;
}

export const MODEL_LIMITS_DEFAULTS: ModelLimits = {
  maxFileBytes: 1024 * 1024 * 1024,
  maxVertices: 50_000_000,
  maxParts: 10_000,
};

/** Thrown when a model goes past one of the {@link ModelLimits}; bad input, like ModelReadError. */
export class ModelLimitError extends ModelReadError {
  override readonly name = 'ModelLimitError';
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

/** `limits` with the defaults filled in; a limit that is not a positive number is a programming error. */
export function resolveLimits(limits: Partial<ModelLimits> = {}): ModelLimits {
  const resolved = { ...MODEL_LIMITS_DEFAULTS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && value > 0)) {
      throw new RangeError(`limit ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return resolved;
}

/** `3221225472` → `3.0 GiB`: sizes in messages, readable. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
