import { lstat, open } from 'node:fs/promises';

/**
 * The two file primitives of every atomic write in meshparts (packs here, the journal, the lock and the
 * catalog in the pipeline): create a new file and, when asked, flush it; flush a folder so the renames
 * and new files in it survive a power cut.
 */

/** Writes a NEW file (never replaces one: `wx`); with `sync`, fsyncs it before closing. */
export async function writeNewFile(path: string, data: string | Uint8Array, sync: boolean): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a folder so the renames and new files in it are durable; best effort (not on Windows). */
export async function syncDir(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Folders cannot be opened for fsync on every platform; the data files themselves were synced.
  } finally {
    await handle?.close();
  }
}

/** Whether anything (a file, a folder, a link, even a dangling one) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
