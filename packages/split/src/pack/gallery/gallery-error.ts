/**
 * Thrown when a gallery cannot be written (a file in the way, a pack folder where the run page goes,
 * an unreadable page template or three.js file). `code` is stable for callers that branch on it.
 */
export class GalleryWriteError extends Error {
  override readonly name = 'GalleryWriteError';
  readonly code = 'GALLERY_WRITE';
}
