/**
 * pack/gallery: the `index.html` of a pack (its parts in a grid and in a three.js view, the whole
 * model reassembled from the manifest) and of a run's output (every pack). The pages themselves are
 * the files under `page/`; see README.md here for what a pack gets and why.
 */

export { decodersForExtensions } from './decoder-needs.js';
export { GalleryWriteError } from './gallery-error.js';
export { GALLERY_DIR, GALLERY_PAGE, RUN_GALLERY_FALLBACK_PAGE } from './page-files.js';
export { DECODERS, type Decoder } from './three-files.js';
export {
  galleryFiles,
  WRITE_GALLERY_DEFAULTS,
  type WriteGalleryOptions,
  writeGallery,
} from './write-gallery.js';
export {
  pageOwner,
  RUN_GALLERY_NAMES,
  type RunGalleryCatalog,
  removeRunGallery,
  runGalleryPage,
  writeRunGallery,
} from './write-run-gallery.js';
