import { SplitError } from '../../errors.js';

/**
 * Thrown when a gallery cannot be written (a file in the way, a pack folder where the run page goes,
 * an unreadable page template or three.js file). The gallery is part of the pack: like
 * PackWriteError it has `kind: 'output'` and `code: 'PACK_WRITE'`, so callers that branch on the
 * code treat both alike; `instanceof GalleryWriteError` tells the gallery apart.
 */
export class GalleryWriteError extends SplitError {
  override readonly name = 'GalleryWriteError';
  readonly code = 'PACK_WRITE';
  readonly kind = 'output';
}
