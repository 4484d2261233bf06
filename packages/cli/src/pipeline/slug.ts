import { basename, extname, join, resolve } from 'node:path';
import { RUN_GALLERY_NAMES } from '@meshparts/split/gallery';
import type { CatalogEntry } from './catalog.js';
import { PipelineUsageError } from './errors.js';
import { type PackOwner, readPackOwner } from './split-api.js';

/**
 * Model slugs: the folder name of each model's pack under the output folder.
 *
 * A slug is the model's file name without its extension, made safe by @meshparts/split's
 * `safeFileName`: the part-name rules (no separators, no `..`, no device names, bounded length, NFC)
 * and URL-safe (`My Robot #2 (final).glb` → `My_Robot_2_final`). Slugs are unique per run,
 * case-insensitively (macOS and Windows folders are case-insensitive), and STABLE across reruns and
 * subsets of the inputs: a model keeps the folder that already holds its pack, so running only some
 * of the models never hands one model's folder to another.
 *
 * Who owns a folder is decided by what is on disk, in this order: the pack whose manifest's
 * `source.sha256` is the model's (same content); then the pack that catalog.json records for the same
 * input path (the model was edited); then a pack the catalog does not know whose `source.file` has the
 * model's file name. A model with no folder of its own takes the first free name among `robot`,
 * `robot-<sha8>`, `robot-<sha8>-2`, ..., models in path order; a folder that holds another model's
 * pack is skipped. A folder that is not meshparts' (another tool's `manifest.json`, the user's files)
 * is never written into: the run refuses (exit 2) before anything runs, naming it.
 */

export interface SlugInput {
  file: string;
  sha256: string;
}

/**
 * Names that would clash with the output folder's own files: the journal folder, the catalog, and the
 * run's gallery page and its folder.
 */
const RESERVED = new Set(['.meshparts', 'catalog', 'catalog.json', ...RUN_GALLERY_NAMES]);

/**
 * What is in the output folder under a slug (see {@link slugOwnersOnDisk}), with the absolute paths
 * the catalog's input path can mean: relative to the output folder, as it is written now, or the path
 * as typed, as catalogs written before 2026-12-07 hold it.
 */
export type SlugOwner = PackOwner & { catalogModel?: readonly string[] };

/** Reads who owns `<outDir>/<slug>` for a slug, with the catalog's input path for that pack. */
export function slugOwnersOnDisk(
  outDir: string,
  catalog: readonly CatalogEntry[],
): (slug: string) => Promise<SlugOwner> {
  const byPack = new Map(catalog.map((entry) => [entry.pack.normalize('NFC').toLowerCase(), entry]));
  return async (slug) => {
    const owner = await readPackOwner(join(outDir, slug));
    const entry = byPack.get(slug.normalize('NFC').toLowerCase());
    return entry ? { ...owner, catalogModel: [resolve(outDir, entry.model), resolve(entry.model)] } : owner;
  };
}

/** How strongly a pack on disk belongs to a model; 0 = not at all. */
function claim(model: SlugInput, owner: SlugOwner): number {
  if (owner.kind !== 'pack') return 0;
  if (owner.manifest.source.sha256 === model.sha256) return 3;
  if (owner.catalogModel !== undefined) {
    return owner.catalogModel.includes(resolve(model.file)) ? 2 : 0;
  }
  return owner.manifest.source.file === basename(model.file) ? 1 : 0;
}

/** Candidate slugs tried per model for a folder of its own; later ones exist only after collisions. */
const CLAIMED_CANDIDATES = 4;

/**
 * Assigns a slug to each model; returns them in input order. `safeName` is `safeFileName`;
 * `ownerOf` tells what is on disk under a slug (default: nothing anywhere).
 * @throws PipelineUsageError naming every folder that a model would need but that is not meshparts'.
 */
export async function assignSlugs(
  models: readonly SlugInput[],
  safeName: (name: string) => string,
  ownerOf: (slug: string) => Promise<SlugOwner> = async () => ({ kind: 'free' }),
): Promise<string[]> {
  const order = models.map((model, index) => ({ model, index }));
  order.sort((a, b) =>
    a.model.file < b.model.file ? -1 : a.model.file > b.model.file ? 1 : a.index - b.index,
  );
  const owners = new Map<string, Promise<SlugOwner>>();
  const owner = (slug: string) => {
    const key = slug.toLowerCase();
    if (!owners.has(key)) owners.set(key, ownerOf(slug));
    return owners.get(key)!;
  };
  const taken = new Set<string>();
  const slugs: (string | undefined)[] = new Array(models.length);
  // 1. Folders that already hold a model's pack stay that model's: same content first, then the same
  //    input path, then the same file name; ties go to the first model in path order.
  for (const level of [3, 2, 1]) {
    for (const { model, index } of order) {
      if (slugs[index] !== undefined) continue;
      for (const slug of candidates(model, safeName, CLAIMED_CANDIDATES)) {
        if (taken.has(slug.toLowerCase())) continue;
        if (claim(model, await owner(slug)) === level) {
          slugs[index] = slug;
          taken.add(slug.toLowerCase());
          break;
        }
      }
    }
  }
  // 2. The others take the first name that is free; a folder of someone else's pack is skipped.
  const foreign: string[] = [];
  for (const { model, index } of order) {
    if (slugs[index] !== undefined) continue;
    for (const slug of candidates(model, safeName, Number.POSITIVE_INFINITY)) {
      if (taken.has(slug.toLowerCase())) continue;
      const found = await owner(slug);
      if (found.kind === 'pack') continue;
      if (found.kind === 'foreign') foreign.push(`${slug}/ (for ${model.file}): ${found.why}`);
      slugs[index] = slug;
      taken.add(slug.toLowerCase());
      break;
    }
  }
  if (foreign.length > 0) {
    throw new PipelineUsageError(
      `the output folder holds folders that are not meshparts packs where packs would go; nothing was done, move them or choose another output folder: ${foreign.join('; ')}`,
    );
  }
  return slugs as string[];
}

/** `robot`, `robot-1a2b3c4d`, `robot-1a2b3c4d-2`, ... (up to `count` of them). */
function* candidates(model: SlugInput, safeName: (name: string) => string, count: number): Generator<string> {
  const base = baseSlug(model.file, safeName);
  yield base;
  const hashed = `${base}-${model.sha256.slice(0, 8)}`;
  if (count > 1) yield hashed;
  for (let n = 2; n < count; n++) yield `${hashed}-${n}`;
}

function baseSlug(file: string, safeName: (name: string) => string): string {
  const name = basename(file, extname(file));
  const safe = safeName(name.normalize('NFC'));
  return RESERVED.has(safe.toLowerCase()) ? `${safe}-model` : safe;
}
