import { dirname } from 'node:path';
import type { SourceSegmentation } from '@meshparts/split/options';
import { recordedSegmentation } from './recorded-segmentation.js';
import { segmentResultsIn } from './segment-results.js';

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
 * copy of a cache entry whose sha256 the journal recorded: segment-results.ts finds it, by the rule
 * `run` uses to leave such files out (a split of any other file costs one failed read). Undefined
 * when the file is not such a result, or the journal cannot be read: the split then records its own
 * plan, as before. The journal is a file like any other input: what it says is checked
 * (recordedSegmentation), and it can only change what the manifest says.
 */
export async function segmentProvenance(model: string): Promise<SegmentProvenance | undefined> {
  const entry = await (await segmentResultsIn(dirname(model)))(model);
  if (!entry) return undefined;
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
