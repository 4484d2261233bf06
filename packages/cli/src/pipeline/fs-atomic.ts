import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Durable file helpers. A crash (or kill -9) at any point leaves either the old file or the new one,
 * never a half-written one: write a sibling temp file, fsync it, rename it over the target, fsync
 * the folder so the rename itself survives a power loss.
 */

/** A temp path beside `target`, unique per call, recognisable for cleanup. */
export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** fsyncs a folder so that a rename or a new file in it is durable. Best effort on platforms without it. */
export async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open folders for fsync; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to `target` atomically and durably. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(dirname(target));
}
