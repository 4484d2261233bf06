import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SourceSegmentation } from '@meshparts/split/options';
import { sha256File } from './hash.js';
import { JOURNAL_DIR, journalPath, parseJournal } from './journal.js';
import { recordedSegmentation } from './recorded-segmentation.js';

/** What a pack's manifest says of the segmentation that made its input (see {@link segmentProvenance}). */
export interface SegmentProvenance {
  segmenter: 'tripo' | 'local';
  /** The Tripo task that made the file (null for the local segmenter). */
  taskId: string | null;
  /** How the local segmenter found the parts, when its journal line says. */
  segmentation?: SourceSegmentation;
}

/**
 * How a GLB that `meshparts segment` wrote was segmented, so that `meshparts split` of it records the
 * same `source.segmenter`, `taskId`, `strategy` and `reason` as `meshparts run` of the model would
 * (without it, the pack says `segmenter: none` and `nodes: the scene has 6 mesh nodes`).
 *
 * `segment` keeps its journal and cache in `.meshparts/` beside the file it writes, and the file is a
 * copy of a cache entry whose sha256 the journal recorded. So: the journal beside `model` is read,
 * and `model` is hashed only when one of its results has `model`'s size (a split of any other file
 * costs one failed read). Undefined when the file is not such a result, or the journal cannot be
 * read: the split then records its own plan, as before. The journal is a file like any other input:
 * what it says is checked (recordedSegmentation), and it can only change what the manifest says.
 */
export async function segmentProvenance(model: string): Promise<SegmentProvenance | undefined> {
  const dir = dirname(model);
  let entries: ReturnType<typeof parseJournal>;
  try {
    entries = parseJournal(await readFile(journalPath(dir), 'utf8'));
  } catch {
    return undefined;
  }
  // Latest first: a result made again (another segmenter, or the same one later) says what made it last.
  const results = entries
    .filter((entry) => entry.state === 'downloaded' || entry.state === 'segmented')
    .filter((entry) => entry.cacheFile !== undefined && entry.cacheSha256 !== undefined)
    .reverse();
  if (results.length === 0) return undefined;
  let size: number;
  try {
    size = (await stat(model)).size;
  } catch {
    return undefined;
  }
  const sizes = await Promise.all(
    results.map((entry) =>
      stat(join(dir, JOURNAL_DIR, 'cache', basename(entry.cacheFile!))).then(
        (cached) => cached.size,
        () => undefined, // the cache entry is gone: the hash alone tells
      ),
    ),
  );
  if (!sizes.some((cached) => cached === undefined || cached === size)) return undefined;
  let sha256: string;
  try {
    sha256 = await sha256File(model);
  } catch {
    return undefined;
  }
  const entry = results.find((result) => result.cacheSha256 === sha256);
  // A segmenter that changed nothing wrote the input again: that file is the model itself.
  if (!entry || entry.sha256 === sha256) return undefined;
  const segmentation =
    entry.state === 'segmented' && entry.strategy !== undefined && entry.reason !== undefined
      ? recordedSegmentation({ strategy: entry.strategy, reason: entry.reason })
      : undefined;
  return {
    segmenter: entry.segmenter,
    taskId: entry.segmenter === 'tripo' ? (entry.taskId ?? null) : null,
    ...(segmentation ? { segmentation } : {}),
  };
}
