import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The page's own files: real .html, .css and .js files in `page/` beside this module's source, so
 * that they are linted and readable. The package ships `src/` (package.json "files"), and
 * `src/pack/gallery/` and `dist/pack/gallery/` sit at the same depth, so one relative URL finds
 * `page/` from the sources (tests) and from the build (the CLI).
 */
export const PAGE_SOURCE_DIR = fileURLToPath(new URL('../../../src/pack/gallery/page/', import.meta.url));

/** The folder, inside a pack or a run's output, that holds the page's code (and, in a pack, three.js). */
export const GALLERY_DIR = 'gallery';
/** The page itself, at the top of a pack or a run's output. */
export const GALLERY_PAGE = 'index.html';
/**
 * The run's page when the output folder's `index.html` is the user's (never replaced): beside it, so
 * the page's relative links (gallery/, catalog.json, the packs) work the same.
 */
export const RUN_GALLERY_FALLBACK_PAGE = 'meshparts-gallery.html';

/** The scripts of the pack page (gallery/js/), closed under their relative imports. */
export const PACK_PAGE_SCRIPTS: readonly string[] = [
  'pack-page.js',
  'viewer.js',
  'load-part.js',
  'spec-gloss.js',
  'whole-model.js',
  'credit.js',
  'dom.js',
  'format.js',
];

/** The scripts of the run page (gallery/js/): no three.js there. */
export const RUN_PAGE_SCRIPTS: readonly string[] = ['run-page.js', 'credit.js', 'dom.js', 'format.js'];

/** The stylesheet both pages use (gallery/gallery.css). */
export const STYLESHEET = 'gallery.css';

/** The templates of the two pages, under page/. */
export const PACK_TEMPLATE = 'pack.html';
export const RUN_TEMPLATE = 'run.html';

const IMPORT_MAP = /<script type="importmap">([\s\S]*?)<\/script>/;
const IMPORT_MAP_HASH = '{{importmap-hash}}';

/**
 * A page template made ready to write: the Content-Security-Policy placeholder for the inline
 * import map is replaced by the map's sha256 (a CSP allows an inline script only by hash or
 * 'unsafe-inline', and browsers load import maps only inline). The rest of the page is static:
 * it reads manifest.json or catalog.json when it runs, so nothing from a model is written into it.
 */
export function renderTemplate(html: string): string {
  if (!html.includes(IMPORT_MAP_HASH)) return html;
  const map = IMPORT_MAP.exec(html)?.[1];
  if (map === undefined)
    throw new Error('gallery page template: a CSP hash placeholder without an import map');
  const hash = createHash('sha256').update(map, 'utf8').digest('base64');
  return html.replace(IMPORT_MAP_HASH, `'sha256-${hash}'`);
}

/** Reads a template from page/ and renders it. */
export async function readTemplate(name: string): Promise<string> {
  return renderTemplate(await readFile(`${PAGE_SOURCE_DIR}${name}`, 'utf8'));
}
