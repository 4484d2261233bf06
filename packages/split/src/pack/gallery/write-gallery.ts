import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from '../manifest.js';
import type { PackFile } from '../pack-files.js';
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
 * A pack's gallery as files for the pack writer: `index.html` and `gallery/` (the page's scripts
 * and stylesheet, and the three.js files it loads: the module build, GLTFLoader, OrbitControls and the
 * decoders the parts need). `packDir` is where the part files are (the pack writer's staged folder):
 * the decoders are chosen from the part files themselves. The page is static; it reads
 * `manifest.json` when it runs. Everything it loads is inside the pack, so a pack moved or shipped
 * alone keeps a working page. The files go through writePack's `files`, so they are listed in the
 * manifest and are the pack's own (replaced by the next write, never a user's).
 */
export async function galleryFiles(
  packDir: string,
  manifest: Pick<Manifest, 'parts'>,
  options: Pick<WriteGalleryOptions, 'decoders'> = {},
): Promise<PackFile[]> {
  const planned = await planGallery(packDir, manifest, options);
  try {
    return await Promise.all(
      planned.map(async (file) => ({
        path: file.to,
        bytes:
          'text' in file ? new TextEncoder().encode(file.text) : new Uint8Array(await readFile(file.source)),
      })),
    );
  } catch (error) {
    throw galleryError(packDir, error);
  }
}

/**
 * Writes a pack's gallery into `packDir` directly (for a pack made by other means; `splitModel` and
 * the pack writer use {@link galleryFiles}). Returns every path it wrote, relative to `packDir`,
 * `/`-separated and sorted. Files written this way are not listed in the manifest.
 */
export async function writeGallery(
  packDir: string,
  manifest: Pick<Manifest, 'parts'>,
  options: WriteGalleryOptions = {},
): Promise<string[]> {
  const { durable } = { ...WRITE_GALLERY_DEFAULTS, ...options };
  const planned = await planGallery(packDir, manifest, options);
  try {
    return await writePlannedFiles(packDir, planned, durable);
  } catch (error) {
    throw galleryError(packDir, error);
  }
}

function galleryError(packDir: string, error: unknown): GalleryWriteError {
  return new GalleryWriteError(`cannot write the gallery in ${packDir}: ${(error as Error).message}`, {
    cause: error,
  });
}

/** The files of a pack's gallery: where each goes, and its source file or text. */
async function planGallery(
  packDir: string,
  manifest: Pick<Manifest, 'parts'>,
  options: Pick<WriteGalleryOptions, 'decoders'>,
): Promise<PlannedFile[]> {
  const { decoders } = { ...WRITE_GALLERY_DEFAULTS, ...options };
  const needed =
    decoders === 'auto'
      ? await decodersForParts(
          packDir,
          manifest.parts.map((part) => part.file),
        )
      : new Set(decoders === 'all' ? DECODERS : decoders);
  try {
    const three = threePackageDir();
    return [
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
  } catch (error) {
    throw galleryError(packDir, error);
  }
}
