import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-atomic.js';
import { JOURNAL_DIR } from './journal.js';

/**
 * Segmented GLBs cached by input sha256: `<outDir>/.meshparts/cache/<sha256>.<variant>.glb`.
 *
 * The variant is part of the key (a decision beyond DESIGN.md's "by input sha256"): `tripo` for paid
 * results, `local` for the offline segmenter, and `local-<fingerprint>` when the local segmenter ran
 * with non-default label options (its output depends on them). A local result never stands in for a
 * paid Tripo one, or the other way round. Entries are written atomically, so a cache file that exists is
 * complete (downloads go through the client's own temp-file-and-rename).
 */
export class SegmentCache {
  readonly dir: string;

  constructor(
    outDir: string,
    readonly variant: string,
  ) {
    this.dir = join(outDir, JOURNAL_DIR, 'cache');
  }

  path(sha256: string): string {
    return join(this.dir, `${sha256}.${this.variant}.glb`);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      const info = await stat(this.path(sha256));
      return info.isFile() && info.size > 0;
    } catch {
      return false;
    }
  }

  /** Writes bytes into the cache atomically. */
  async put(sha256: string, bytes: Uint8Array): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const target = this.path(sha256);
    await writeFileAtomic(target, bytes);
    return target;
  }
}
