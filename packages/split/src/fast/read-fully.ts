import type { readSync as ReadSync } from 'node:fs';

/**
 * Reads up to `length` bytes at `position` of an open file into `target` from `offset`, looping over
 * short reads; returns how many it read, fewer only where the file ends (each caller says so in its
 * own words). One loop for every reader of a model's descriptor: this thread's (FileSource) and the
 * worker threads' (the hash in byte-source.ts, the accessor copy in accessor-worker.ts), which run its
 * source text: hence no imports and `readSync` passed in.
 */
export function readFully(
  readSync: typeof ReadSync,
  fd: number,
  target: Uint8Array,
  offset: number,
  length: number,
  position: number,
): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, target, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
