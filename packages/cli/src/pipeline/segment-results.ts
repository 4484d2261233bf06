import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sha256File } from './hash.js';
import { JOURNAL_DIR, type JournalEntry, journalPath, parseJournal } from './journal.js';

/** The journal entry that recorded a file's bytes as a segmentation result, or undefined. */
export type SegmentResultLookup = (path: string) => Promise<JournalEntry | undefined>;

const NONE: SegmentResultLookup = async () => undefined;

/**
 * The results that `meshparts segment` wrote into `dir`: copies of the cache entries the journal of
 * `dir` recorded (same bytes, so same sha256). The lookup gives, for a file, the latest entry that
 * recorded its bytes as a result. `run` leaves such files out of its models (segment-provenance.ts:
 * `split` of one records what segmented it), one rule for both:
 * - only a file of a result's size is hashed (any file, for a result whose cache entry is gone, which
 *   cannot be told by size);
 * - a result that is also a recorded input (a segmenter that changed nothing wrote the model again)
 *   is no result: that file is a model.
 * No journal, or one that cannot be read: no results.
 */
export async function segmentResultsIn(dir: string): Promise<SegmentResultLookup> {
  let journal: JournalEntry[];
  try {
    journal = parseJournal(await readFile(journalPath(dir), 'utf8'));
  } catch {
    return NONE;
  }
  const inputs = new Set(journal.map((entry) => entry.sha256));
  // Latest first: a result made again (another segmenter, or the same one later) says what made it last.
  const results = journal
    .filter((entry) => entry.cacheFile !== undefined && entry.cacheSha256 !== undefined)
    .filter((entry) => !inputs.has(entry.cacheSha256!))
    .reverse();
  if (results.length === 0) return NONE;
  const sizes = new Set<number>();
  let anySize = false;
  for (const { cacheFile } of results) {
    try {
      sizes.add((await stat(join(dir, JOURNAL_DIR, 'cache', basename(cacheFile!)))).size);
    } catch {
      anySize = true;
    }
  }
  return async (path) => {
    try {
      if (!anySize && !sizes.has((await stat(path)).size)) return undefined;
      const sha256 = await sha256File(path);
      return results.find((entry) => entry.cacheSha256 === sha256);
    } catch {
      return undefined;
    }
  };
}
