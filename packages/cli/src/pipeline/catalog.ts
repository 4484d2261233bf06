import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-atomic.js';

/**
 * `<outDir>/catalog.json`: every pack in the output folder, for asset libraries and build tools.
 * Paths are relative to the output folder, with forward slashes. Written atomically at the end of
 * every run (also a partly failed one), merging the packs of earlier runs that are still on disk, so
 * running models in batches into one folder builds one catalog.
 */

export const CATALOG_VERSION = 1;

export interface CatalogEntry {
  /** The input model path as given to the run. */
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

/** Reads the catalog of `outDir`, or an empty list when there is none or it is unreadable. */
export async function readCatalog(outDir: string): Promise<CatalogEntry[]> {
  try {
    const value = JSON.parse(await readFile(catalogPath(outDir), 'utf8')) as Partial<Catalog>;
    return Array.isArray(value.packs) ? value.packs.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function isEntry(value: unknown): value is CatalogEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.pack === 'string' && typeof v.manifest === 'string' && typeof v.sha256 === 'string';
}

/**
 * Writes the catalog: this run's packs replace earlier entries with the same pack folder, and earlier
 * entries whose manifest is gone are dropped.
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
