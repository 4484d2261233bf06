import { guardEngineSuffix, hasEngineImportSuffix } from './engine-suffix.js';
import { truncateUtf8 } from './utf8.js';

/**
 * The key under which two names collide on some file system: NFC (HFS+ stores NFD, so an NFC
 * and an NFD spelling are one file there) and case-folded (APFS, NTFS and HFS+ ignore case by
 * default). Upper- then lower-casing also folds `ß`/`SS` and similar pairs together, erring on
 * the side of calling two names equal.
 */
export function collisionKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase();
}

/**
 * Make names unique by {@link collisionKey}. The first name with a key keeps it; a later
 * duplicate becomes `name_2`, `name_3`, … skipping every key used anywhere in the list, so
 * `a, a, a_2` gives `a, a_3, a_2` (the existing `a_2` keeps its name). The suffix never pushes a
 * name past `maxLength` UTF-8 bytes: the base is cut between grapheme clusters to make room.
 * Godot reads through a trailing `_<digits>` (`front_wheel_2` counts as `-wheel`), so a base that
 * the cut turned into an import hint is guarded again (`…_col_2` → `…_col_part_2`). Runs in
 * O(names) for distinct bases (a per-base counter avoids rescanning from `_2`).
 */
export function dedupeNames(names: readonly string[], maxLength: number): string[] {
  const taken = new Set(names.map(collisionKey));
  const kept = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return names.map((name) => {
    const key = collisionKey(name);
    if (!kept.has(key)) {
      kept.add(key);
      return name;
    }
    let n = nextSuffix.get(key) ?? 2;
    for (;;) {
      const suffix = `_${n}`;
      let base = truncateUtf8(name, maxLength - suffix.length).replace(/[\s.]+$/u, '');
      if (hasEngineImportSuffix(base)) base = guardEngineSuffix(base, maxLength - suffix.length);
      const candidate = base + suffix;
      n += 1;
      const candidateKey = collisionKey(candidate);
      if (!taken.has(candidateKey)) {
        taken.add(candidateKey);
        kept.add(candidateKey);
        nextSuffix.set(key, n);
        return candidate;
      }
    }
  });
}
