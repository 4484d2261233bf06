import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PipelineUsageError } from './errors.js';
import { writeFileAtomic } from './fs-atomic.js';

/**
 * `<outDir>/catalog.json`: every pack in the output folder, for asset libraries and build tools.
 * Paths are relative to the output folder, with forward slashes. Written atomically at the end of
 * every run (also a partly failed one), merging the packs of earlier runs that are still on disk, so
 * running models in batches into one folder builds one catalog.
 *
 * The output folder is the user's too: a `catalog.json` that is not a meshparts catalog (version 1, a
 * `meshparts@` generator, a `packs` list) is never read as one nor overwritten. `run` refuses (exit 2)
 * before anything runs, and says which file to move.
 */

export const CATALOG_VERSION = 1;

export interface CatalogEntry {
  /** The input model's path, relative to the output folder (`../models/robot.glb`). */
  model: string;
  /** sha256 of the input model. */
  sha256: string;
  /** Pack folder, relative to the output folder (the model slug). */
  pack: string;
  /** The pack's manifest, relative to the output folder. */
  manifest: string;
  parts: number;
  segmenter: 'tripo' | 'local';
  /** The Tripo task id, or null for the local segmenter. */
  taskId: string | null;
}

export interface Catalog {
  catalogVersion: typeof CATALOG_VERSION;
  generator: string;
  packs: CatalogEntry[];
}

export function catalogPath(outDir: string): string {
  return join(outDir, 'catalog.json');
}

/** A `catalog.json` in the output folder that meshparts did not write. */
export class ForeignCatalogError extends PipelineUsageError {
  override readonly name = 'ForeignCatalogError';
}

/**
 * Reads the catalog of `outDir`: its entries, or an empty list when there is none.
 * @throws ForeignCatalogError (exit 2) when `catalog.json` exists but is not a meshparts catalog.
 */
export async function readCatalog(outDir: string): Promise<CatalogEntry[]> {
  const path = catalogPath(outDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ForeignCatalogError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const catalog = value as Partial<Catalog> | undefined;
  if (
    typeof catalog !== 'object' ||
    catalog === null ||
    catalog.catalogVersion !== CATALOG_VERSION ||
    typeof catalog.generator !== 'string' ||
    !catalog.generator.startsWith('meshparts@') ||
    !Array.isArray(catalog.packs)
  ) {
    throw new ForeignCatalogError(
      `${path} is not a meshparts catalog; nothing was done: move it or choose another output folder`,
    );
  }
  return catalog.packs.filter(isEntry);
}

function isEntry(value: unknown): value is CatalogEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.pack === 'string' && typeof v.manifest === 'string' && typeof v.sha256 === 'string';
}

/**
 * Writes the catalog: this run's packs replace earlier entries with the same pack folder, and earlier
 * entries whose manifest is gone are dropped.
 * @throws ForeignCatalogError, writing nothing, when a foreign `catalog.json` appeared meanwhile.
 */
export async function writeCatalog(
  outDir: string,
  generator: string,
  current: readonly CatalogEntry[],
  supersededPacks: ReadonlySet<string>,
): Promise<Catalog> {
  const byPack = new Map<string, CatalogEntry>();
  for (const entry of await readCatalog(outDir)) {
    if (supersededPacks.has(entry.pack)) continue;
    if (await exists(join(outDir, entry.manifest))) byPack.set(entry.pack, entry);
  }
  for (const entry of current) byPack.set(entry.pack, entry);
  const packs = [...byPack.values()].sort((a, b) => (a.pack < b.pack ? -1 : a.pack > b.pack ? 1 : 0));
  const catalog: Catalog = { catalogVersion: CATALOG_VERSION, generator, packs };
  await writeFileAtomic(catalogPath(outDir), `${JSON.stringify(catalog, null, 2)}\n`);
  return catalog;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
