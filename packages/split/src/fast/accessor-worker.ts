import { Worker } from 'node:worker_threads';
import { ModelReadError } from '../errors.js';
import {
  type AccessorCopy,
  copyAccessorBytes,
  copyStrided,
  quietSignallingNaNs,
} from '../parts/strided-copy.js';

/**
 * The thread: opens the file itself, copies each accessor into memory of its own with the very
 * functions the main thread uses (their source text: parts/strided-copy.ts), reading it in chunks
 * into one reused buffer, and posts the arrays back without copying them (transferred).
 */
const WORKER_SOURCE = `
const { openSync, readSync, closeSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
${copyStrided.toString()}
${quietSignallingNaNs.toString()}
${copyAccessorBytes.toString()}
const { path, copies, chunkBytes } = workerData;
const fd = openSync(path, 'r');
let scratch = new Uint8Array(chunkBytes);
const read = (offset, length) => {
  if (scratch.byteLength < length) scratch = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, scratch, done, length - done, offset + done);
    if (n === 0) throw new Error('it ended at ' + (offset + done) + ' bytes');
    done += n;
  }
  return scratch.subarray(0, length);
};
const outs = copies.map((copy) => {
  const out = new Uint8Array(copy.count * copy.elementBytes);
  copyAccessorBytes(copy, read, out, chunkBytes);
  return out;
});
closeSync(fd);
parentPort.postMessage(outs, outs.map((out) => out.buffer));
`;

/**
 * Copies accessors of the model at `path` into memory of their own (`copies`, as
 * FastAccessor.ownCopy describes them) on a worker thread, while the caller copies others and loads
 * what comes next: the byte-level reader's share of a big model (prefetch-accessors.ts). Rejects
 * with a ModelReadError when the file cannot be read as described (it changed or went away).
 */
export function copyAccessorsOnWorker(
  path: string,
  copies: readonly AccessorCopy[],
  chunkBytes: number,
): Promise<Uint8Array[]> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, copies, chunkBytes } });
  const failed = (why: string, cause?: unknown) =>
    new ModelReadError(path, `cannot read ${path}: ${why}`, cause ? { cause } : {});
  return new Promise((resolve, reject) => {
    worker.once('message', (outs: Uint8Array[]) => resolve(outs));
    worker.once('error', (error) => reject(failed(error.message, error)));
    worker.once('exit', (code) => reject(failed(`its reading thread stopped (${code})`)));
  });
}
