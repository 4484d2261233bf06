import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
// The light entry (fs only): the journal, lock and catalog must not load the split to write a line.
import { syncDir, writeNewFile } from '@meshparts/split/durable-files';

/**
 * Durable file helpers. A crash (or kill -9) at any point leaves either the old file or the new one,
 * never a half-written one: write a sibling temp file, fsync it, rename it over the target, fsync
 * the folder so the rename itself survives a power loss.
 */

/** A temp path beside `target`, unique per call, recognisable for cleanup. */
export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export { syncDir, writeNewFile };

/** Writes `data` to `target` atomically and durably. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  try {
    await writeNewFile(temp, data, true);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(target));
}
