import type { TypedArray } from '@gltf-transform/core';
import { copyAccessorsOnWorker } from './accessor-worker.js';
import { type FastGltf, OWN_ARRAY_CHUNK_BYTES } from './fast-gltf.js';

/** Below this much accessor data a second thread costs more (its start, ~20 ms) than it saves. */
export const PREFETCH_MIN_BYTES = 16 << 20;

/**
 * The worker's share of the bytes: a little over half, since this thread also loads the Document
 * path's modules while the worker copies (~60 ms).
 */
const WORKER_SHARE = 0.6;

/**
 * Every accessor's values in memory of its own (what FastAccessor.ownArray gives, byte for byte, from
 * the same open file: `file` is the source's, FileSource.file), for
 * the byte-level reader's Document (fast-document.ts), copied on two threads: a worker copies the
 * largest accessors up to {@link WORKER_SHARE} of the bytes while this thread copies the others, then
 * awaits the worker (a module `loading` meanwhile goes on). Why: on labels-2m the copy is ~270 ms of
 * a ~1 s split, most of it the first touch of 51 MB of new memory (part-arena.ts), which two cores
 * share. Undefined, with nothing read, for a model with less than `minBytes` of accessor data or
 * with one accessor only (nothing to share).
 */
export async function prefetchAccessors(
  gltf: FastGltf,
  file: { fd: number; path: string },
  minBytes = PREFETCH_MIN_BYTES,
): Promise<Map<number, TypedArray> | undefined> {
  const copies = gltf
    .list('accessors')
    .map((def, index) => ({ def, index }))
    .filter(({ def }) => def.bufferView !== undefined)
    .map(({ index }) => ({ index, copy: gltf.accessor(index).ownCopy() }))
    .map((entry) => ({ ...entry, bytes: entry.copy.count * entry.copy.elementBytes }));
  const total = copies.reduce((sum, { bytes }) => sum + bytes, 0);
  if (total < minBytes) return undefined;
  const toWorker = onWorker(copies.map(({ bytes }) => bytes));
  const worker = copies.filter((_, i) => toWorker[i]);
  const here = copies.filter((_, i) => !toWorker[i]);
  // One accessor only: nothing to share, the reader copies it as usual.
  if (worker.length === 0) return undefined;
  const copied = copyAccessorsOnWorker(
    file,
    worker.map(({ copy }) => copy),
    OWN_ARRAY_CHUNK_BYTES,
  );
  // A read error here must not leave the worker's rejection unhandled, nor the worker running.
  copied.arrays.catch(() => {});
  const arrays = new Map<number, TypedArray>();
  try {
    for (const { index } of here) arrays.set(index, gltf.accessor(index).ownArray());
  } catch (error) {
    copied.stop();
    throw error;
  }
  const outs = await copied.arrays;
  worker.forEach(({ index }, i) => {
    arrays.set(index, gltf.accessor(index).arrayOf(outs[i]!));
  });
  return arrays;
}

/**
 * Which accessors (by size in bytes) the worker copies: the largest first, each that keeps its share
 * within {@link WORKER_SHARE} of the total.
 */
export function onWorker(sizes: readonly number[]): boolean[] {
  const total = sizes.reduce((sum, bytes) => sum + bytes, 0);
  const chosen = sizes.map(() => false);
  let taken = 0;
  for (const i of sizes.map((_, index) => index).sort((a, b) => sizes[b]! - sizes[a]! || a - b)) {
    if (taken + sizes[i]! > WORKER_SHARE * total) continue;
    chosen[i] = true;
    taken += sizes[i]!;
  }
  return chosen;
}
