import { Worker } from 'node:worker_threads';
import { ModelReadError } from '../errors.js';
import {
  type AccessorCopy,
  copyAccessorBytes,
  copyStrided,
  quietSignallingNaNs,
} from '../parts/strided-copy.js';
import { readFully } from './read-fully.js';

/**
 * The thread: reads the file through the caller's descriptor (the file the caller opened, not
 * whatever is at its path now), copies each accessor into memory of its own with the very functions
 * the main thread uses (their source text: parts/strided-copy.ts), reading it in chunks into one
 * reused buffer, and posts the arrays back without copying them (transferred).
 */
const WORKER_SOURCE = `
const { readSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
${copyStrided.toString()}
${quietSignallingNaNs.toString()}
${copyAccessorBytes.toString()}
${readFully.toString()}
const { fd, copies, chunkBytes } = workerData;
let scratch = new Uint8Array(chunkBytes);
const read = (offset, length) => {
  if (scratch.byteLength < length) scratch = new Uint8Array(length);
  const n = readFully(readSync, fd, scratch, 0, length, offset);
  if (n < length) throw new Error('it ended at ' + (offset + n) + ' bytes');
  return scratch.subarray(0, length);
};
const outs = copies.map((copy) => {
  const out = new Uint8Array(copy.count * copy.elementBytes);
  copyAccessorBytes(copy, read, out, chunkBytes);
  return out;
});
parentPort.postMessage(outs, outs.map((out) => out.buffer));
`;

/** A copy running on a worker thread: its arrays, and a way to stop it when they are not wanted. */
export interface WorkerCopy {
  arrays: Promise<Uint8Array[]>;
  /** Ends the thread (the caller failed): `arrays` then rejects, and nothing keeps the process alive. */
  stop(): void;
}

/**
 * Copies accessors of an open model file (`file.fd`, read by positioned reads: keep it open until
 * `arrays` settles) into memory of their own (`copies`, as FastAccessor.ownCopy describes them) on a
 * worker thread, while the caller copies others and loads what comes next: the byte-level reader's
 * share of a big model (prefetch-accessors.ts). `arrays` rejects with a ModelReadError naming
 * `file.path` when the file cannot be read as described (it was truncated).
 */
export function copyAccessorsOnWorker(
  file: { fd: number; path: string },
  copies: readonly AccessorCopy[],
  chunkBytes: number,
): WorkerCopy {
  const { fd, path } = file;
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, copies, chunkBytes } });
  const failed = (why: string, cause?: unknown) =>
    new ModelReadError(path, `cannot read ${path}: ${why}`, cause ? { cause } : {});
  const arrays = new Promise<Uint8Array[]>((resolve, reject) => {
    worker.once('message', (outs: Uint8Array[]) => resolve(outs));
    worker.once('error', (error) => reject(failed(error.message, error)));
    worker.once('exit', (code) => reject(failed(`its reading thread stopped (${code})`)));
  });
  return {
    arrays,
    stop: () => {
      worker.unref();
      void worker.terminate();
    },
  };
}
