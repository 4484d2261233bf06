import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { JOURNAL_DIR } from './journal.js';

/**
 * Removes what a killed run left half-written in an output folder: writePack's temporary pack folders
 * (`.<slug>.tmp-<random>`) and set-aside old packs (`<slug>.old-<hex>`), atomic-write temp files
 * (`<file>.tmp-<pid>-<hex>`), and the client's partial downloads (`<file>.part-<hex>`) in the cache.
 * Only called with the output lock held, so no live meshparts process owns any of them; only names of
 * those exact shapes are touched, never a user's file. A pack set aside as `.old-` whose replacement
 * never arrived is removed too: the journal and the cache let the run make it again.
 */
const PACK_TEMP = /^\..+\.tmp-[A-Za-z0-9]+$/;
const PACK_OLD = /^.+\.old-[0-9a-f]{8}$/;
const FILE_TEMP = /^.+\.tmp-\d+-[0-9a-f]{8}$/;
const DOWNLOAD_PART = /^.+\.part-[0-9a-f]+$/;
/** The lock's own temp file (`lock.<pid>-<hex>`, see lock.ts): removed only once its process is gone. */
const LOCK_TEMP = /^lock\.(\d+)-[0-9a-f]{8}$/;

export async function removeStaleTemps(outDir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (dir: string, patterns: readonly RegExp[]) => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const lockTemp = LOCK_TEMP.exec(name);
      if (lockTemp && isAlive(Number(lockTemp[1]))) continue;
      if (!patterns.some((pattern) => pattern.test(name)) && !lockTemp) continue;
      await rm(join(dir, name), { recursive: true, force: true });
      removed.push(join(dir, name));
    }
  };
  await sweep(outDir, [PACK_TEMP, PACK_OLD, FILE_TEMP]);
  await sweep(join(outDir, JOURNAL_DIR), [FILE_TEMP]);
  await sweep(join(outDir, JOURNAL_DIR, 'cache'), [FILE_TEMP, DOWNLOAD_PART]);
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
