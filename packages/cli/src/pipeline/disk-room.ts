import { stat, statfs } from 'node:fs/promises';
import { ModelError } from './errors.js';

/**
 * Before paying for a segmentation, make sure its result can be kept: the segmented GLB goes to the
 * cache and its parts to the pack, each about the size of the input, beside the journal. Paying for a
 * result that a full disk then throws away is the worst way to lose credits, so a submission is
 * refused (nothing paid, ModelError `output`) unless the output folder's file system has room for
 * three times the input plus a margin. Best effort: where statfs is unsupported, the check passes.
 */
export const DISK_ROOM_MARGIN_BYTES = 8 * 1024 * 1024;

export async function assertRoomForResult(outDir: string, inputFile: string): Promise<void> {
  let free: number;
  let needed: number;
  try {
    const fs = await statfs(outDir);
    free = fs.bavail * fs.bsize;
    needed = 3 * (await stat(inputFile)).size + DISK_ROOM_MARGIN_BYTES;
  } catch {
    return;
  }
  if (free < needed) {
    throw new ModelError(
      'output',
      `no space left on the disk of ${outDir} for this model's result (${mib(free)} free, about ${mib(needed)} needed); nothing was submitted or paid`,
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
