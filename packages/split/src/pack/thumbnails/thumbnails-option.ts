/**
 * The `--thumbnails <size>|none` choice, checked once at the boundary (it often comes from a command
 * line, where a typo must be an error, not NaN). Light: no glTF or image code, so the CLI's options
 * module can take it over as it is.
 */

/** Default thumbnail width and height in pixels. */
export const THUMBNAILS_DEFAULT = 256;

/** Sizes `--thumbnails` accepts. */
export const THUMBNAIL_SIZE_RANGE = Object.freeze({ min: 16, max: 2048 });

/**
 * The thumbnail size a `--thumbnails` value asks for, or null for `none` (no thumbnails). Accepts an
 * integer number of pixels from 16 to 2048, as a number or a decimal string; throws a RangeError that
 * says what is accepted otherwise. Undefined gives the default.
 */
export function parseThumbnailsOption(value: string | number | undefined): number | null {
  if (value === undefined) return THUMBNAILS_DEFAULT;
  if (typeof value === 'string' && value.trim().toLowerCase() === 'none') return null;
  const size = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  const { min, max } = THUMBNAIL_SIZE_RANGE;
  if (!Number.isInteger(size) || size < min || size > max)
    throw new RangeError(
      `--thumbnails takes a size in pixels from ${min} to ${max}, or none; got ${JSON.stringify(value)}`,
    );
  return size;
}
