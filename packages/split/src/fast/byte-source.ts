import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ModelReadError } from '../errors.js';
import type { PartArena } from '../part-arena.js';
import { readFully } from './read-fully.js';

/**
 * Where the byte-level split reads a model's bytes: memory it was given, or the file, read piece by
 * piece with positioned reads into memory that is used again and again.
 *
 * Why not read the file whole: on the virtual machines this runs on, memory costs ~3 ms per MB the
 * first time it is touched (the host maps it in), and so does the first pass over a freshly read
 * buffer: reading a 51 MB model whole took ~155 ms, the first sha256 over it ~100 ms against ~30 ms
 * for the second (`node bench/machine.mjs`). Memory used before costs none of it. The parts' ranges
 * are read as each part is made, into a {@link PartArena} reset for every part.
 */
export interface ByteSource {
  /** Length of the whole model. */
  readonly byteLength: number;
  /** `length` bytes at `offset` in memory of `arena`'s: valid until the arena is reset. */
  read(offset: number, length: number, arena: PartArena): Uint8Array;
  /** `length` bytes at `offset` in memory of their own (kept by whoever takes them). */
  copy(offset: number, length: number): Uint8Array;
  /**
   * sha256 of the whole model, hex. A file is hashed on a worker thread, reading the opened file
   * through its descriptor (kept open until the hash is done), while this thread splits (the second
   * core is otherwise idle: ~35 ms of a 51 MB model's split).
   */
  sha256(): Promise<string>;
  /** Releases the file (a source in memory has nothing to release). */
  close(): void;
}

/** Bytes already in memory: reads are views, nothing is copied. */
export class MemorySource implements ByteSource {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get byteLength(): number {
    return this.#bytes.byteLength;
  }
  read(offset: number, length: number): Uint8Array {
    return this.#bytes.subarray(offset, offset + length);
  }
  copy(offset: number, length: number): Uint8Array {
    return this.#bytes.slice(offset, offset + length);
  }
  async sha256(): Promise<string> {
    return createHash('sha256').update(this.#bytes).digest('hex');
  }
  close(): void {}
}

/** How much of the file one hashing read takes (a buffer reused for the whole pass). */
const HASH_CHUNK_BYTES = 1 << 20;

/**
 * The hashing thread: reads the model's `length` bytes through the source's descriptor (the file that
 * was opened and read, even when another has since been renamed over its path, or it was removed)
 * in chunks into one buffer, and posts the hex digest.
 */
const HASH_WORKER = `
const { createHash } = require('node:crypto');
const { readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
${readFully.toString()}
const { fd, length } = workerData;
const hash = createHash('sha256');
const chunk = Buffer.allocUnsafe(workerData.chunk);
for (let position = 0; position < length; ) {
  const wanted = Math.min(chunk.length, length - position);
  const n = readFully(readSync, fd, chunk, 0, wanted, position);
  if (n < wanted) throw new Error('it ended at ' + (position + n) + ' of ' + length + ' bytes');
  hash.update(chunk.subarray(0, n));
  position += n;
}
parentPort.postMessage(hash.digest('hex'));
`;

/** A file read with positioned reads (synchronous: each is a copy from the page cache). */
export class FileSource implements ByteSource {
  readonly #fd: number;
  readonly byteLength: number;

  readonly #path: string;
  /** The hash being computed: the descriptor stays open until it settles (see {@link close}). */
  #hashing: Promise<unknown> | undefined;

  constructor(path: string, byteLength: number) {
    this.#fd = openSync(path, 'r');
    this.#path = path;
    this.byteLength = byteLength;
  }

  /**
   * The open file, for a worker thread of this process to read (descriptors are the process's): the
   * very file this source opened, even when another has since been renamed over its path. Valid
   * until {@link close}.
   */
  get file(): { fd: number; path: string } {
    return { fd: this.#fd, path: this.#path };
  }

  /** A failed read as the Document path's reader reports one (the file changed or went away while read). */
  #readError(why: string, cause?: unknown): ModelReadError {
    return new ModelReadError(this.#path, `cannot read ${this.#path}: ${why}`, cause ? { cause } : {});
  }

  #readInto(target: Uint8Array, position: number): void {
    let n: number;
    try {
      n = readFully(readSync, this.#fd, target, 0, target.byteLength, position);
    } catch (error) {
      throw this.#readError((error as NodeJS.ErrnoException).code ?? 'read failed', error);
    }
    if (n < target.byteLength)
      throw this.#readError(`it ended at ${position + n} of ${this.byteLength} bytes`);
  }

  read(offset: number, length: number, arena: PartArena): Uint8Array {
    const out = arena.take(length);
    this.#readInto(out, offset);
    return out;
  }
  copy(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.#readInto(out, offset);
    return out;
  }
  sha256(): Promise<string> {
    const worker = new Worker(HASH_WORKER, {
      eval: true,
      workerData: { fd: this.#fd, length: this.byteLength, chunk: HASH_CHUNK_BYTES },
    });
    // A split that fails does not wait for the hash: the worker never keeps the process alive.
    worker.unref();
    const hex = new Promise<string>((resolve, reject) => {
      worker.once('message', (digest: string) => resolve(digest));
      worker.once('error', (error) => reject(this.#readError(`hashing failed (${error.message})`, error)));
      worker.once('exit', (code) => reject(this.#readError(`hashing stopped (${code})`)));
    });
    this.#hashing = hex.catch(() => {});
    return hex;
  }
  /** Closes the file, once the hash being computed (if any) has read it. */
  close(): void {
    const fd = this.#fd;
    if (this.#hashing) void this.#hashing.then(() => closeSync(fd));
    else closeSync(fd);
  }
}
