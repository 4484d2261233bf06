/**
 * Reading a file for upload through a small ring of reused buffers, so that a 150 MB upload allocates
 * 256 KiB once instead of 2,300 fresh 64 KiB buffers.
 *
 * Why: `fs.createReadStream` allocates a new off-heap buffer for every chunk. Each one is garbage as
 * soon as the socket has sent it, but V8 frees off-heap memory only when a garbage collection runs,
 * and it lets about 32 MiB of such buffers pile up first: that pile was most of an upload's memory
 * rise (measured: +36 MiB for 150 MB, against +8 MiB with this reader; BENCHMARKS.md section 5).
 *
 * Ownership, which is what makes reuse safe: a yielded chunk is a view of one ring slot, and that slot
 * is read into again only when the consumer asks for the `ringSize`-th chunk after it. The consumer is
 * undici's body writer (multipart.ts hands it this iterable, not a Readable), and undici asks for the
 * next chunk only after `socket.write(chunk)` returned true or the socket emitted 'drain'. A Node
 * Writable completes its writes in order and counts every byte it has not finished writing in
 * `writableLength`, and `write()` returns false once that reaches `writableHighWaterMark`. So if slot
 * i were still queued when chunk i + ringSize is requested, chunks i … i + ringSize − 1 would all be
 * queued too, i.e. ringSize × chunkBytes = 256 KiB pending, and the write that let undici go on would
 * have returned false. This holds for any socket whose high-water mark is at most the ring's size —
 * undici's own connector sets 16 KiB for TLS and 64 KiB for TCP (lib/core/connect.js) — TLS sockets
 * and HTTP/2 streams included, which are Writables with the same accounting; 'drain' means nothing is
 * queued. Two conditions keep the argument true whatever the file system or the caller does:
 * - every chunk but the last is a FULL slot: a short read (FUSE, NFS, SMB may return less) is
 *   completed before the chunk is yielded, so four queued chunks are always 192 KiB or more;
 * - a caller's own dispatcher may connect sockets with any high-water mark, so with one the client
 *   asks for `reuse: false` (input.ts), and every chunk is a fresh buffer, as fs streams make them. (A diagnostics_channel subscriber to `undici:request:bodyChunkSent` that keeps
 * the chunks it is shown would see them change: copy them there.)
 * undici's HTTP/2 path follows the same protocol. The test `client-upload-bytes.test.ts` uploads
 * random bytes to an emulator that stalls before reading, so that writes queue and the drain path is
 * taken, and compares sha256 on both sides.
 */
import { open } from 'node:fs/promises';

export interface FileChunksOptions {
  /** Bytes read at a time (one ring slot). Default 64 KiB, the size `fs.createReadStream` uses. */
  chunkBytes?: number;
  /** Slots in the ring; a chunk stays valid until this many more have been requested. Default 4. */
  ringSize?: number;
  /** Reuse the ring's buffers (default true); false gives every chunk a buffer of its own. */
  reuse?: boolean;
}

export const FILE_CHUNKS_DEFAULTS: Required<FileChunksOptions> = {
  chunkBytes: 64 * 1024,
  ringSize: 4,
  reuse: true,
};

/**
 * Yields the first `byteLength` bytes of the file at `path` (fewer if the file is shorter now; the
 * caller compares). Each chunk is a full slot (only the last may be shorter) and, unless `reuse` is
 * false, a view of a reused buffer: see the ownership rule above. The file is
 * opened on the first `next()` and closed when the iteration ends, fails or is returned early.
 */
export async function* readFileChunks(
  path: string,
  byteLength: number,
  options: FileChunksOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { chunkBytes, ringSize, reuse } = { ...FILE_CHUNKS_DEFAULTS, ...options };
  if (!(chunkBytes > 0 && ringSize > 0)) {
    throw new RangeError(`readFileChunks: chunkBytes and ringSize must be positive.`);
  }
  const handle = await open(path, 'r');
  try {
    // Slots are allocated on first use: a small file needs one, never four.
    const ring: Buffer[] = [];
    let position = 0;
    for (let index = 0; position < byteLength; index++) {
      const slot = index % ringSize;
      if (!reuse || !ring[slot]) ring[slot] = Buffer.allocUnsafeSlow(chunkBytes);
      const buffer = ring[slot];
      const wanted = Math.min(chunkBytes, byteLength - position);
      // Fill the slot: a file system may return fewer bytes than asked, and the ownership rule above
      // needs full chunks. Zero bytes means the file ended early.
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(buffer, filled, wanted - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled > 0) yield buffer.subarray(0, filled);
      // The file shrank: the caller sees fewer bytes than it expected.
      if (filled < wanted) return;
      position += filled;
    }
  } finally {
    await handle.close();
  }
}
