import { randomUUID } from 'node:crypto';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentFunction } from './options.js';

/** A result GLB on disk, as storage serves it. */
export interface ResultFile {
  path: string;
  byteLength: number;
}

/** What one run of the segmenter needs. */
export interface SegmentJob {
  upload: ResultFile;
  filename: string;
  taskId: string;
  /** Without one, the upload is its own result (identity), with no copy and no read into memory. */
  segment: SegmentFunction | undefined;
  /** Folder the result is written to. */
  dir: string;
  signal: AbortSignal;
}

/**
 * Runs the injected segmenter on an upload and writes its output beside the other results. The
 * upload is only read into memory here, after it was streamed to disk, because the hook's contract is
 * bytes in, bytes out.
 */
export async function runSegment(job: SegmentJob): Promise<ResultFile> {
  if (!job.segment) return job.upload;
  const input = new Uint8Array(await readFile(job.upload.path));
  const output = await job.segment(input, { filename: job.filename, taskId: job.taskId, signal: job.signal });
  if (!(output instanceof Uint8Array)) {
    throw new TypeError('the segment hook must return a Uint8Array');
  }
  const path = join(job.dir, `${randomUUID()}.glb`);
  await writeFile(path, output);
  await unlink(job.upload.path).catch(() => undefined);
  return { path, byteLength: output.byteLength };
}
