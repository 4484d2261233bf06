import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathExists, writeNewFile } from '../durable-files.js';
import { GalleryWriteError } from './gallery-error.js';
import {
  GALLERY_DIR,
  GALLERY_PAGE,
  PAGE_SOURCE_DIR,
  RUN_GALLERY_FALLBACK_PAGE,
  RUN_PAGE_SCRIPTS,
  RUN_TEMPLATE,
  readTemplate,
  STYLESHEET,
} from './page-files.js';

/** What {@link writeRunGallery} needs of a run's `catalog.json` (the CLI's `Catalog` fits). */
export interface RunGalleryCatalog {
  packs: readonly { pack: string }[];
}

/**
 * The names a run's page takes at the top of the output folder. A model slug must not be one of
 * them (the CLI's slug rules reserve them); a pack folder with such a name makes
 * {@link writeRunGallery} refuse rather than write over it.
 */
export const RUN_GALLERY_NAMES: readonly string[] = [GALLERY_PAGE, RUN_GALLERY_FALLBACK_PAGE, GALLERY_DIR];

/**
 * Writes the page over every pack of a run's output: `index.html` and `gallery/` (its script and
 * stylesheet; no three.js: the 3D views are on the packs' own pages, each self-contained). The page
 * reads `catalog.json` and each pack's `manifest.json` when it runs. An `index.html` of the user's
 * is left as it is and the page is written as `meshparts-gallery.html` beside it
 * ({@link runGalleryPage} tells which). Each file is written to a temporary name and renamed into
 * place, so a crash never leaves half a page. Returns the paths it wrote, relative to `outDir`,
 * sorted.
 */
export async function writeRunGallery(outDir: string, catalog: RunGalleryCatalog): Promise<string[]> {
  const reserved = new Set(RUN_GALLERY_NAMES.map((name) => name.toLowerCase()));
  const clash = catalog.packs.find((entry) => reserved.has(entry.pack.normalize('NFC').toLowerCase()));
  if (clash) {
    throw new GalleryWriteError(
      `cannot write the run's page in ${outDir}: the pack folder ${JSON.stringify(clash.pack)} takes the name the page needs`,
    );
  }
  if (await isPack(join(outDir, GALLERY_DIR))) {
    throw new GalleryWriteError(
      `cannot write the run's page in ${outDir}: ${GALLERY_DIR}/ is a pack (it has a manifest.json)`,
    );
  }
  // The output folder may be the user's (a web project's public folder): an index.html or a
  // gallery/ folder that meshparts did not write is theirs and is never replaced. The page then goes
  // beside their index.html, under its own name.
  let name = GALLERY_PAGE;
  let page = await pageOwner(join(outDir, GALLERY_PAGE));
  if (page === 'foreign') {
    name = RUN_GALLERY_FALLBACK_PAGE;
    page = await pageOwner(join(outDir, name));
    if (page === 'foreign') {
      throw new GalleryWriteError(
        `cannot write the run's page in ${outDir}: ${GALLERY_PAGE} and ${name} are not meshparts' (left as they are)`,
      );
    }
  }
  if (page === 'absent' && (await pathExists(join(outDir, GALLERY_DIR)))) {
    throw new GalleryWriteError(
      `cannot write the run's page in ${outDir}: ${GALLERY_DIR}/ is not meshparts' (left as it is)`,
    );
  }
  const files: { to: string; text: string | Buffer }[] = [];
  try {
    files.push(
      { to: name, text: await readTemplate(RUN_TEMPLATE) },
      { to: `${GALLERY_DIR}/${STYLESHEET}`, text: await readFile(join(PAGE_SOURCE_DIR, STYLESHEET)) },
    );
    for (const script of RUN_PAGE_SCRIPTS) {
      files.push({
        to: `${GALLERY_DIR}/js/${script}`,
        text: await readFile(join(PAGE_SOURCE_DIR, 'js', script)),
      });
    }
    await removeLeftovers(join(outDir, GALLERY_DIR));
    await removeLeftovers(join(outDir, GALLERY_DIR, 'js'));
    for (const file of files) await replaceFile(join(outDir, ...file.to.split('/')), file.text);
  } catch (error) {
    throw new GalleryWriteError(`cannot write the run's page in ${outDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return files.map((file) => file.to).sort();
}

/**
 * Takes the run's page out of `outDir` (`meshparts run --no-gallery` over an output that had one: its
 * cards would link to pack pages that are gone). Only what meshparts wrote goes: a page carrying its
 * mark, and in `gallery/` the stylesheet and scripts it writes there, then `gallery/js/` and
 * `gallery/` if nothing else is left in them. A user's page or files are never touched. Returns the
 * paths removed, relative to `outDir`, sorted.
 */
export async function removeRunGallery(outDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of [GALLERY_PAGE, RUN_GALLERY_FALLBACK_PAGE]) {
    if ((await pageOwner(join(outDir, name))) !== 'ours') continue;
    await rm(join(outDir, name), { force: true });
    removed.push(name);
  }
  // The page's own folder only when one of its pages was there: otherwise gallery/ is not known ours.
  if (removed.length === 0) return removed;
  const own = [STYLESHEET, ...RUN_PAGE_SCRIPTS.map((script) => `js/${script}`)];
  for (const file of own) {
    const path = join(outDir, GALLERY_DIR, ...file.split('/'));
    if (!(await pathExists(path))) continue;
    await rm(path, { force: true });
    removed.push(`${GALLERY_DIR}/${file}`);
  }
  for (const dir of [join(outDir, GALLERY_DIR, 'js'), join(outDir, GALLERY_DIR)]) {
    const left = await readdir(dir).catch(() => null);
    if (left !== null && left.length === 0) await rm(dir, { recursive: true, force: true });
  }
  return removed.sort();
}

/** The temporary name {@link replaceFile} writes through: `<name>.tmp-<pid>-<8 hex>`. */
const TEMP_NAME = /^.+\.tmp-\d+-[0-9a-f]{8}$/;

/**
 * Removes what a killed write left in the page's own folders (only names of the temporary shape;
 * the top of the output folder is swept by the CLI's cleanup, which knows the same shape).
 */
async function removeLeftovers(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (TEMP_NAME.test(name)) await rm(join(dir, name), { force: true });
}

/**
 * The run's page in `outDir`, relative to it: `index.html` when meshparts wrote it, else
 * `meshparts-gallery.html` when meshparts wrote that (the user's index.html kept), else undefined.
 * What `meshparts view` opens.
 */
export async function runGalleryPage(outDir: string): Promise<string | undefined> {
  for (const name of [GALLERY_PAGE, RUN_GALLERY_FALLBACK_PAGE]) {
    if ((await pageOwner(join(outDir, name))) === 'ours') return name;
  }
  return undefined;
}

/** The mark every page meshparts writes carries in its head (pack.html and run.html). */
const GENERATOR_MARK = '<meta name="generator" content="meshparts">';

/** Whether `path` is absent, a page meshparts wrote (it carries the generator mark), or another file. */
export async function pageOwner(path: string): Promise<'absent' | 'ours' | 'foreign'> {
  let text: string;
  try {
    const info = await lstat(path);
    if (!info.isFile() || info.size > 1_000_000) return 'foreign';
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Unreadable is not provably ours: left alone, like a foreign page.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : 'foreign';
  }
  return text.includes(GENERATOR_MARK) ? 'ours' : 'foreign';
}

async function isPack(dir: string): Promise<boolean> {
  try {
    return (await lstat(join(dir, 'manifest.json'))).isFile();
  } catch {
    return false;
  }
}

/**
 * Writes `target` through a temporary sibling (`<name>.tmp-<pid>-<hex>`, the shape the CLI's
 * leftover cleanup removes) and a rename.
 */
async function replaceFile(target: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeNewFile(temp, data, false);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
