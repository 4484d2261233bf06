/**
 * The upload reads the file through reused buffers (file-chunks.ts), so a buffer overwritten while the
 * socket still held it would corrupt the upload silently. These tests upload random bytes (zeros would
 * hide an overwrite) and compare sha256 where the bytes land, with writes forced to queue.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { readFileChunks } from '../src/file-chunks.js';
import { multipartBody } from '../src/multipart.js';
import { clientFor, makeGlb, peakArrayBufferRise, sha256, startFastEmulator, tempDir } from './helpers.js';

/** A valid GLB whose buffer tail is `size` random bytes, so every chunk of it is different. */
function randomGlb(size: number): Buffer {
  const glb = makeGlb(size);
  // makeGlb's tail (after the 36 bytes of positions) is unused padding: fill it with noise.
  const tailStart = glb.length - size;
  randomBytes(size).copy(glb, tailStart);
  return glb;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Copy each chunk: they are views of reused buffers, valid only until a few more are pulled.
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('upload bytes', () => {
  it('arrive exact at the emulator while the server stalls and the socket queues writes', async () => {
    await using dir = await tempDir();
    // The emulator holds the submission 400 ms before reading it: 24 MiB is far more than loopback's
    // socket buffers take, so the client's writes queue and undici waits for 'drain', the path where
    // an early buffer reuse would show.
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'delay', ms: 400, match: { method: 'POST' } }],
    });
    await using client = clientFor(emulator);
    const glb = randomGlb(24 * 1024 * 1024 + 12_345);
    const path = join(dir.path, 'noise.glb');
    await writeFile(path, glb);

    const started = Date.now();
    const { taskId } = await client.segmentation.create({ model: path });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // The emulator hashes what its multipart parser wrote to disk.
    expect(emulator.stats().submissionsByHash).toEqual({ [sha256(glb)]: 1 });

    // Its result is the upload itself: the download brings back the same bytes.
    const task = await client.tasks.wait(taskId);
    const to = join(dir.path, 'back.glb');
    const result = await client.download(task.results[0]!.url, { to });
    expect(result.sha256).toBe(sha256(glb));
    expect(sha256(await readFile(to))).toBe(sha256(glb));
  });

  it('arrive exact through a caller dispatcher whose sockets buffer far more than the reuse ring', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'delay', ms: 400, match: { method: 'POST' } }],
    });
    // 16 MiB of socket write buffer: undici would pull many chunks before one is sent, so chunks
    // that are views of four reused buffers would be overwritten while queued. With a caller's
    // dispatcher the client reads every chunk into a buffer of its own.
    // (`highWaterMark` goes through to net.connect, which undici's connect typings do not list.)
    const connect = { highWaterMark: 16 * 1024 * 1024 } as Agent.Options['connect'];
    const agent = new Agent({ connect });
    try {
      await using client = clientFor(emulator, { dispatcher: agent });
      const glb = randomGlb(8 * 1024 * 1024 + 777);
      const path = join(dir.path, 'noise.glb');
      await writeFile(path, glb);
      await client.segmentation.create({ model: path });
      expect(emulator.stats().submissionsByHash).toEqual({ [sha256(glb)]: 1 });
    } finally {
      await agent.close();
    }
  });

  it('of a Buffer input arrive exact, sent from the caller memory without a copy of the model', async () => {
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'delay', ms: 200, match: { method: 'POST' } }],
    });
    await using client = clientFor(emulator);
    const glb = randomGlb(96 * 1024 * 1024);
    const peak = await peakArrayBufferRise(() => client.segmentation.create({ model: glb }));
    expect(emulator.stats().submissionsByHash).toEqual({ [sha256(glb)]: 1 });
    // A copy (as `new Blob([bytes])` made) would hold 96 MiB for the whole upload. What remains is
    // the emulator's side, in this same process: its parser's chunks waiting for the garbage
    // collector, which V8 collects every ~32 MiB.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  });

  it('send the same exact bytes again when a 429 makes the client resend', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'rateLimit', match: { method: 'POST' }, retryAfterSeconds: 0 }],
    });
    await using client = clientFor(emulator);
    const glb = randomGlb(3 * 1024 * 1024 + 7);
    const path = join(dir.path, 'again.glb');
    await writeFile(path, glb);
    await client.segmentation.create({ model: path });
    const stats = emulator.stats();
    expect(stats.rateLimited).toBe(1);
    expect(stats.requests.submit).toBe(2);
    expect(stats.submissionsByHash).toEqual({ [sha256(glb)]: 1 });
  });
});

describe('readFileChunks', () => {
  it('yields exactly the first byteLength bytes, in chunks of at most chunkBytes', async () => {
    await using dir = await tempDir();
    const bytes = randomBytes(10_007);
    const path = join(dir.path, 'f.bin');
    await writeFile(path, bytes);
    const sizes: number[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of readFileChunks(path, 9_000, { chunkBytes: 1000, ringSize: 3 })) {
      sizes.push(chunk.length);
      parts.push(Buffer.from(chunk));
    }
    expect(sizes).toEqual([...Array(9).fill(1000)]);
    expect(Buffer.concat(parts).equals(bytes.subarray(0, 9_000))).toBe(true);
    const all = await collect(readFileChunks(path, bytes.length, { chunkBytes: 4096 }));
    expect(all.equals(bytes)).toBe(true);
  });

  it('gives every chunk a buffer of its own with reuse: false', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'f.bin');
    const bytes = randomBytes(10 * 1024 + 5);
    await writeFile(path, bytes);
    const chunks: Uint8Array[] = [];
    for await (const chunk of readFileChunks(path, bytes.length, { chunkBytes: 1024, reuse: false }))
      chunks.push(chunk);
    expect(chunks).toHaveLength(11);
    expect(new Set(chunks.map((chunk) => chunk.buffer)).size).toBe(11);
    // Kept chunks stay valid: nothing is read into them again.
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('reads into ringSize buffers reused in turn, not a new buffer per chunk', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'f.bin');
    await writeFile(path, randomBytes(64 * 1024));
    const backing: ArrayBufferLike[] = [];
    for await (const chunk of readFileChunks(path, 64 * 1024, { chunkBytes: 1024, ringSize: 4 })) {
      backing.push(chunk.buffer);
    }
    expect(backing).toHaveLength(64);
    expect(new Set(backing).size).toBe(4);
    // Chunk i and chunk i + 4 share a slot; the three chunks after i never touch i's slot.
    for (let i = 0; i + 4 < backing.length; i++) {
      expect(backing[i + 4]).toBe(backing[i]);
      expect(backing.slice(i + 1, i + 4)).not.toContain(backing[i]);
    }
  });

  it('stops short when the file shrank, and the multipart body refuses to send a wrong length', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'shrinks.glb');
    const glb = randomGlb(200_000);
    await writeFile(path, glb);
    const body = multipartBody([
      {
        name: 'model',
        filename: 'shrinks.glb',
        contentType: 'model/gltf-binary',
        byteLength: glb.length,
        open: () => readFileChunks(path, glb.length),
      },
    ]);
    await truncate(path, 150_000);
    await expect(collect(body.body)).rejects.toThrow(
      `shrinks.glb changed while uploading (150000 bytes, expected ${glb.length}).`,
    );
  });

  it('closes the file when the consumer stops early', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'f.bin');
    await writeFile(path, randomBytes(50_000));
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFiles();
    const chunks = readFileChunks(path, 50_000, { chunkBytes: 1000 });
    await chunks.next();
    expect(await openFiles()).toBe(before + 1);
    await chunks.return();
    expect(await openFiles()).toBe(before);
  });
});
