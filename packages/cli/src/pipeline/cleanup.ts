import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_DIR } from './journal.js';
import { readPackOwner, STAGING_PREFIX } from './split-api.js';

/**
 * Removes what a killed run left half-written in an output folder: atomic-write temp files
 * (`<file>.tmp-<pid>-<hex>`), the client's partial downloads (`<file>.part-<hex>`) in the cache, dead
 * processes' lock temp files, and the temporary pack folders of older meshparts versions
 * (`.<slug>.tmp-<random>`, which held only new files). Only called with the output lock held, so no
 * live meshparts process owns any of them; only names of those exact shapes are touched.
 *
 * A pack write that a crash cut short is NOT cleaned here: its staging folder lives inside the pack
 * (`<slug>/.meshparts.tmp-*`) and the next write into that pack finishes or discards it
 * (@meshparts/split's writePack); removing it here could lose what that finish needs.
 *
 * Older versions set a whole pack aside as `<slug>.old-<hex>` while replacing it, the user's files in
 * it included. Such a folder is never deleted: when `<slug>` is missing it is renamed back (the
 * replacement never arrived), otherwise it is left for the user to look at.
 *
 * Nothing here stops a run: an entry that cannot be removed (a read-only folder) is left, and the
 * models whose packs are concerned fail on their own with their own message.
 */
const LEGACY_PACK_TEMP = /^\..+\.tmp-[A-Za-z0-9]+$/;
const LEGACY_PACK_OLD = /^(.+)\.old-[0-9a-f]{8}$/;
const FILE_TEMP = /^.+\.tmp-\d+-[0-9a-f]{8}$/;
const DOWNLOAD_PART = /^.+\.part-[0-9a-f]+$/;
/** The lock's own temp file (`lock.<pid>-<hex>`, see lock.ts): removed only once its process is gone. */
const LOCK_TEMP = /^lock\.(\d+)-[0-9a-f]{8}$/;

/** What {@link removeStaleTemps} did. */
export interface Cleanup {
  /** Paths removed. */
  removed: string[];
  /** Older versions' set-aside packs renamed back to their folder. */
  restored: string[];
  /** Paths that could not be removed, with why (left in place; the run goes on). */
  failed: string[];
}

export async function removeStaleTemps(outDir: string): Promise<Cleanup> {
  const result: Cleanup = { removed: [], restored: [], failed: [] };
  const remove = async (path: string) => {
    try {
      await rm(path, { recursive: true, force: true });
      result.removed.push(path);
    } catch (error) {
      result.failed.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const sweep = async (dir: string, patterns: readonly RegExp[]) => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const lockTemp = LOCK_TEMP.exec(name);
      if (lockTemp) {
        if (!isAlive(Number(lockTemp[1]))) await remove(join(dir, name));
      } else if (patterns.some((pattern) => pattern.test(name))) {
        await remove(join(dir, name));
      }
    }
  };
  for (const name of await readdir(outDir).catch(() => [] as string[])) {
    const old = LEGACY_PACK_OLD.exec(name);
    if (old) {
      await restoreSetAside(outDir, name, old[1]!, result);
    } else if (LEGACY_PACK_TEMP.test(name) && !name.startsWith(STAGING_PREFIX)) {
      await remove(join(outDir, name));
    } else if (FILE_TEMP.test(name)) {
      await remove(join(outDir, name));
    }
  }
  await sweep(join(outDir, JOURNAL_DIR), [FILE_TEMP]);
  await sweep(join(outDir, JOURNAL_DIR, 'cache'), [FILE_TEMP, DOWNLOAD_PART]);
  return result;
}

/** `<slug>.old-<hex>` (a meshparts pack) back to `<slug>` when that is missing; otherwise left alone. */
async function restoreSetAside(outDir: string, name: string, slug: string, result: Cleanup): Promise<void> {
  if ((await readPackOwner(join(outDir, name))).kind !== 'pack') return; // not ours: a user's file
  try {
    await lstat(join(outDir, slug));
    return; // the replacement arrived: the set-aside folder may hold the user's files; keep it
  } catch {}
  try {
    await rename(join(outDir, name), join(outDir, slug));
    result.restored.push(join(outDir, slug));
  } catch (error) {
    result.failed.push(`${join(outDir, name)}: ${(error as NodeJS.ErrnoException).code ?? 'rename failed'}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
