import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Bytes written to disk with their digest. */
export interface HashedFile {
  path: string;
  byteLength: number;
  /** Lower-case hex sha256. */
  sha256: string;
}

/**
 * Streams `source` to `path`, hashing and counting on the way, so an upload of any size costs one
 * chunk of memory at a time. Backpressure flows from the file to the socket through `pipeline`.
 */
export async function writeHashed(
  source: Readable | AsyncIterable<Uint8Array>,
  path: string,
): Promise<HashedFile> {
  const hash = createHash('sha256');
  let byteLength = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Uint8Array>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        byteLength += chunk.byteLength;
        yield chunk;
      }
    },
    createWriteStream(path),
  );
  return { path, byteLength, sha256: hash.digest('hex') };
}
