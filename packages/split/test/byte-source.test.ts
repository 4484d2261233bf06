import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelReadError } from '../src/errors.js';
import { FileSource } from '../src/fast/byte-source.js';
import { readFully } from '../src/fast/read-fully.js';
import { PartArena } from '../src/part-arena.js';
import { useTempDir } from './helpers/temp.js';

/** The byte-level split's file reads: positioned reads, and what a file that changes under them gives. */

const tmp = useTempDir('byte-source');

describe('FileSource', () => {
  it('reads ranges into the arena and copies, and hashes the file on a worker', async () => {
    const path = join(tmp, 'ten.bin');
    await writeFile(
      path,
      Uint8Array.from({ length: 10 }, (_, i) => i),
    );
    const source = new FileSource(path, 10);
    try {
      expect([...source.read(3, 4, new PartArena(16))]).toEqual([3, 4, 5, 6]);
      expect([...source.copy(8, 2)]).toEqual([8, 9]);
      expect(await source.sha256()).toBe('1f825aa2f0020ef7cf91dfa30da4668d791c5d4824fc8e41354b89ec05795ab3');
    } finally {
      source.close();
    }
  });

  it('a file that ended or went away while read is a ModelReadError naming it', async () => {
    const path = join(tmp, 'short.bin');
    await writeFile(path, new Uint8Array(10));
    // Told it is longer than it is, as when the file is cut while a split reads it.
    const source = new FileSource(path, 20);
    try {
      expect(() => source.copy(5, 10)).toThrow(ModelReadError);
      expect(() => source.copy(5, 10)).toThrow(`cannot read ${path}: it ended at 10 of 20 bytes`);
    } finally {
      source.close();
    }
    // Shorter than the length it was opened with: the hashing thread fails as the reads do.
    const cut = new FileSource(path, 20);
    try {
      await expect(cut.sha256()).rejects.toThrow(
        `cannot read ${path}: hashing failed (it ended at 10 of 20 bytes)`,
      );
    } finally {
      cut.close();
    }
  });

  it('hashes the file it opened, even when it is removed or another is renamed over its path', async () => {
    const path = join(tmp, 'kept.bin');
    const ten = Uint8Array.from({ length: 10 }, (_, i) => i);
    await writeFile(path, ten);
    const removed = new FileSource(path, 10);
    await rm(path);
    const removedHash = removed.sha256();
    // Closed before the hash is done: the descriptor stays open until it is.
    removed.close();
    expect(await removedHash).toBe('1f825aa2f0020ef7cf91dfa30da4668d791c5d4824fc8e41354b89ec05795ab3');
    await writeFile(path, ten);
    const replaced = new FileSource(path, 10);
    try {
      await writeFile(`${path}.new`, new Uint8Array(10));
      await rename(`${path}.new`, path);
      expect(await replaced.sha256()).toBe(
        '1f825aa2f0020ef7cf91dfa30da4668d791c5d4824fc8e41354b89ec05795ab3',
      );
    } finally {
      replaced.close();
    }
  });
});

describe('readFully', () => {
  it('loops over short reads, and reads less only where the file ends', () => {
    const file = Uint8Array.from({ length: 20 }, (_, i) => 100 + i);
    const calls: number[] = [];
    // A descriptor that gives at most 3 bytes a call, as pipes and some file systems do.
    const readSync = ((_fd: number, target: Uint8Array, offset: number, length: number, position: number) => {
      const n = Math.max(0, Math.min(3, length, file.length - position));
      target.set(file.subarray(position, position + n), offset);
      calls.push(n);
      return n;
    }) as unknown as typeof import('node:fs').readSync;
    const target = new Uint8Array(12);
    expect(readFully(readSync, 7, target, 2, 10, 5)).toBe(10);
    expect([...target]).toEqual([0, 0, ...file.subarray(5, 15)]);
    expect(calls).toEqual([3, 3, 3, 1]);
    // Past the end: what there was, then a zero-byte read ends the loop.
    calls.length = 0;
    expect(readFully(readSync, 7, target, 0, 12, 14)).toBe(6);
    expect([...target.subarray(0, 6)]).toEqual([...file.subarray(14)]);
    expect(calls).toEqual([3, 3, 0]);
  });
});
