import { join } from 'node:path';
import type { Manifest } from '../manifest.js';
import { type PlannedFile, writePlannedFiles } from './copy-files.js';
import { decodersForParts } from './decoder-needs.js';
import { GalleryWriteError } from './gallery-error.js';
import {
  GALLERY_DIR,
  GALLERY_PAGE,
  PACK_PAGE_SCRIPTS,
  PACK_TEMPLATE,
  PAGE_SOURCE_DIR,
  readTemplate,
  STYLESHEET,
} from './page-files.js';
import { DECODERS, type Decoder, threeFilesFor, threePackageDir } from './three-files.js';

/** Options for {@link writeGallery}. */
export interface WriteGalleryOptions {
  /**
   * Which three.js decoders to copy beside the page. `auto` (default): those the part files need,
   * read from each file's `extensionsUsed` (Draco for KHR_draco_mesh_compression, meshopt for
   * EXT_meshopt_compression, KTX2 for KHR_texture_basisu), so a pack of plain parts carries none of
   * their 1.3 MB. `all`, or a list, for a pack whose parts will be replaced by compressed ones.
   */
  decoders?: 'auto' | 'all' | readonly Decoder[];
  /**
   * fsync every file and folder written, for a pack writer that writes its pack durably (see
   * WritePackOptions.durable). Default false.
   */
  durable?: boolean;
}

export const WRITE_GALLERY_DEFAULTS: Required<WriteGalleryOptions> = { decoders: 'auto', durable: false };

/**
 * Writes a pack's gallery: `index.html` and `gallery/` (the page's scripts and stylesheet, and
 * the three.js files it loads: the module build, GLTFLoader, OrbitControls and the decoders the
 * parts need). Writes only under `packDir`, overwriting its own files, and returns every path it
 * wrote, relative to `packDir` and `/`-separated, sorted (the pack writer must know every file it
 * owns). The page is static; it reads `manifest.json` when it runs. Everything it loads is inside
 * the pack, so a pack moved or shipped alone keeps a working page.
 *
 * Called by the pack writer once the part files are in the (temporary) pack folder, since the
 * decoders are chosen from the part files themselves. `manifest` lists them.
 */
export async function writeGallery(
  packDir: string,
  manifest: Pick<Manifest, 'parts'>,
  options: WriteGalleryOptions = {},
): Promise<string[]> {
  const { decoders, durable } = { ...WRITE_GALLERY_DEFAULTS, ...options };
  const needed =
    decoders === 'auto'
      ? await decodersForParts(
          packDir,
          manifest.parts.map((part) => part.file),
        )
      : new Set(decoders === 'all' ? DECODERS : decoders);
  try {
    const three = threePackageDir();
    const files: PlannedFile[] = [
      { to: GALLERY_PAGE, text: await readTemplate(PACK_TEMPLATE) },
      { to: `${GALLERY_DIR}/${STYLESHEET}`, source: join(PAGE_SOURCE_DIR, STYLESHEET) },
      ...PACK_PAGE_SCRIPTS.map((script) => ({
        to: `${GALLERY_DIR}/js/${script}`,
        source: join(PAGE_SOURCE_DIR, 'js', script),
      })),
      ...threeFilesFor(needed).map((file) => ({
        to: `${GALLERY_DIR}/three/${file.to}`,
        source: join(three, ...file.from.split('/')),
      })),
    ];
    return await writePlannedFiles(packDir, files, durable);
  } catch (error) {
    throw new GalleryWriteError(`cannot write the gallery in ${packDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
