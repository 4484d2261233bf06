import { basename, extname } from 'node:path';

/**
 * Model slugs: the folder name of each model's pack under the output folder.
 *
 * A slug is the model's file name without its extension, made safe by @meshparts/split's
 * `safeFileName` (the same rules as part names: no separators, no `..`, no device names, bounded
 * length, NFC). Slugs must be unique per run, case-insensitively (macOS and Windows folders are
 * case-insensitive), and STABLE across reruns so that a rerun finds its packs again: models are
 * ordered by path, the first keeps the plain slug, and a later model whose slug collides gets its
 * input's short sha256 appended (`robot-1a2b3c4d`), which does not depend on what else is in the run.
 */

export interface SlugInput {
  file: string;
  sha256: string;
}

/** Names that would clash with the output folder's own files. */
const RESERVED = new Set(['.meshparts', 'catalog', 'catalog.json']);

/** Assigns a slug to each model; returns them in input order. `safeName` is `safeFileName`. */
export function assignSlugs(models: readonly SlugInput[], safeName: (name: string) => string): string[] {
  const order = models.map((model, index) => ({ model, index }));
  order.sort((a, b) =>
    a.model.file < b.model.file ? -1 : a.model.file > b.model.file ? 1 : a.index - b.index,
  );
  const taken = new Set<string>();
  const slugs: string[] = new Array(models.length);
  for (const { model, index } of order) {
    const base = baseSlug(model.file, safeName);
    let slug = base;
    if (taken.has(slug.toLowerCase())) slug = `${base}-${model.sha256.slice(0, 8)}`;
    for (let n = 2; taken.has(slug.toLowerCase()); n++) slug = `${base}-${model.sha256.slice(0, 8)}-${n}`;
    taken.add(slug.toLowerCase());
    slugs[index] = slug;
  }
  return slugs;
}

function baseSlug(file: string, safeName: (name: string) => string): string {
  const name = basename(file, extname(file));
  const safe = safeName(name.normalize('NFC'));
  return RESERVED.has(safe.toLowerCase()) ? `${safe}-model` : safe;
}
