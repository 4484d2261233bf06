import { createHash } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './fs-atomic.js';
import { sha256File } from './hash.js';
import { JOURNAL_DIR } from './journal.js';

/**
 * Segmented GLBs cached by input sha256: `<outDir>/.meshparts/cache/<sha256>.<variant>.glb`.
 *
 * The variant is part of the key (a decision beyond DESIGN.md's "by input sha256"): `tripo` for paid
 * results, `local` for the offline segmenter, and `local-<fingerprint>` when the local segmenter ran
 * with non-default label options (its output depends on them). A local result never stands in for a
 * paid Tripo one, or the other way round. Entries are written atomically, so a cache file that exists is
 * complete (downloads go through the client's own temp-file-and-rename).
 *
 * An entry is not trusted blindly: the journal records its sha256 when it is written (`downloaded`,
 * `segmented`), and {@link SegmentCache.check} compares it before the entry is used, so a file damaged
 * on disk or swapped for another model's is dropped and fetched again (a journaled task is downloaded
 * again for free, a local result segmented again) instead of failing every rerun or making a pack of
 * the wrong model. An entry with no recorded hash (a journal from an older meshparts) must at least be
 * a whole GLB: its header's length matches the file.
 */

/** What {@link SegmentCache.check} found. */
export type CacheState = 'ok' | 'missing' | 'damaged';

export class SegmentCache {
  readonly dir: string;

  constructor(
    outDir: string,
    readonly variant: string,
  ) {
    this.dir = join(outDir, JOURNAL_DIR, 'cache');
  }

  /** The entry's file name, as the journal records it. */
  fileName(sha256: string): string {
    return `${sha256}.${this.variant}.glb`;
  }

  path(sha256: string): string {
    return join(this.dir, this.fileName(sha256));
  }

  /**
   * Whether the entry of `sha256` can be used: `ok` when it exists and matches `recorded` (its sha256
   * as journaled; without one, when its GLB header's length matches the file), `missing` when there
   * is none, `damaged` otherwise.
   */
  async check(sha256: string, recorded: string | undefined): Promise<CacheState> {
    const path = this.path(sha256);
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size === 0) return info.isFile() ? 'damaged' : 'missing';
      if (recorded !== undefined) return (await sha256File(path)) === recorded ? 'ok' : 'damaged';
      return (await wholeGlb(path, info.size)) ? 'ok' : 'damaged';
    } catch {
      return 'missing';
    }
  }

  /** Removes a damaged entry, so it is fetched again. */
  async drop(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }

  /** Writes bytes into the cache atomically; returns the entry and the sha256 to journal. */
  async put(sha256: string, bytes: Uint8Array): Promise<{ path: string; sha256: string }> {
    await mkdir(this.dir, { recursive: true });
    const target = this.path(sha256);
    await writeFileAtomic(target, bytes);
    return { path: target, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}

/** A GLB's 12-byte header: the magic `glTF` and a total length equal to the file's size. */
async function wholeGlb(path: string, size: number): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    return bytesRead === 12 && head.toString('latin1', 0, 4) === 'glTF' && head.readUInt32LE(8) === size;
  } finally {
    await handle.close();
  }
}
