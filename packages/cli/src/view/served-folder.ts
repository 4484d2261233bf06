import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GALLERY_PAGE, pageOwner, RUN_GALLERY_FALLBACK_PAGE, runGalleryPage } from '@meshparts/split/gallery';

/** What `meshparts view` serves: a pack, or a run's output (catalog.json and one pack per model). */
export interface ServedFolder {
  kind: 'pack' | 'run';
  /** One line about it: "pack of robot.glb, 12 parts" or "run output, 4 packs". */
  summary: string;
  /**
   * The page to open, relative to the folder: `index.html`, or for a run whose `index.html` is the
   * user's, the page meshparts wrote beside it (`meshparts-gallery.html`).
   */
  page: string;
}

/** Why a folder cannot be served; the message is one line for the terminal. */
export class NotServableError extends Error {
  override readonly name = 'NotServableError';
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Tells whether `dir` is a pack (a meshparts manifest.json) or a run's output (catalog.json), and
 * that it has the index.html to open. Throws NotServableError otherwise.
 */
export async function inspectServedFolder(dir: string): Promise<ServedFolder> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch {
    throw new NotServableError(`${dir} does not exist`);
  }
  if (!info.isDirectory()) throw new NotServableError(`${dir} is not a folder`);
  const manifest = (await readJson(join(dir, 'manifest.json'))) as {
    manifestVersion?: unknown;
    parts?: unknown;
    source?: { file?: unknown };
  } | null;
  const catalog = (await readJson(join(dir, 'catalog.json'))) as {
    catalogVersion?: unknown;
    packs?: unknown;
  } | null;
  let served: Omit<ServedFolder, 'page'>;
  if (manifest && manifest.manifestVersion === 1 && Array.isArray(manifest.parts)) {
    const file = typeof manifest.source?.file === 'string' ? manifest.source.file : 'a model';
    served = { kind: 'pack', summary: `pack of ${file}, ${count(manifest.parts.length, 'part')}` };
  } else if (catalog && catalog.catalogVersion === 1 && Array.isArray(catalog.packs)) {
    served = { kind: 'run', summary: `run output, ${count(catalog.packs.length, 'pack')}` };
  } else {
    // A file of that name that is someone else's is not "no file": say which it is.
    const manifestWhy = manifest === undefined ? 'no manifest.json' : "its manifest.json is not meshparts'";
    const catalogWhy =
      catalog === undefined ? 'no catalog.json' : 'its catalog.json is not a meshparts catalog';
    throw new NotServableError(
      `${dir} is neither a pack (${manifestWhy}) nor a run's output (${catalogWhy})`,
    );
  }
  const what = served.kind === 'pack' ? 'pack' : "run's output";
  if (served.kind === 'pack') {
    if (await isFile(join(dir, GALLERY_PAGE))) return { ...served, page: GALLERY_PAGE };
  } else {
    // A run never replaces an index.html of the user's: its page is then beside it, under its own name.
    const page = await runGalleryPage(dir);
    if (page) return { ...served, page };
    if ((await pageOwner(join(dir, GALLERY_PAGE))) === 'foreign') {
      throw new NotServableError(
        `${dir} is a run's output whose ${GALLERY_PAGE} is not meshparts' page, and it has no ${RUN_GALLERY_FALLBACK_PAGE}: run meshparts run into it again to write the page (your ${GALLERY_PAGE} is kept)`,
      );
    }
  }
  throw new NotServableError(
    `${dir} is a ${what} without a gallery (no index.html: written with --no-gallery, or by an older meshparts): write it again without --no-gallery (from the cache: nothing is paid again)`,
  );
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
