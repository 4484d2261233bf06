import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { OutputLockedError } from './errors.js';
import { JOURNAL_DIR } from './journal.js';

/**
 * An exclusive lock on an output folder: `<outDir>/.meshparts/lock`, created with `open(..., 'wx')`
 * (atomic create-if-absent) and holding `{ pid, hostname, startedAt }`. Two runs on one folder would
 * race on the journal and could pay twice for the same model, so the second one refuses.
 *
 * A lock left by a process that died (kill -9, a crash) is stale: when its host is this machine and
 * its pid is no longer alive, it is removed and taken over. A lock from another host (a shared network
 * folder) is never taken over automatically; the message says which file to delete.
 */

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface OutputLock {
  readonly path: string;
  release(): Promise<void>;
}

export function lockPath(outDir: string): string {
  return join(outDir, JOURNAL_DIR, 'lock');
}

/** Takes the lock of `outDir` or throws OutputLockedError. */
export async function acquireLock(outDir: string): Promise<OutputLock> {
  const path = lockPath(outDir);
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      const info: LockInfo = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
      try {
        await handle.writeFile(JSON.stringify(info));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { path, release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(path);
      if (attempt === 0 && holder !== undefined && isStale(holder)) {
        await rm(path, { force: true });
        continue;
      }
      throw new OutputLockedError(describeHolder(outDir, path, holder), path);
    }
  }
  throw new OutputLockedError(`could not lock ${outDir}: ${path} keeps reappearing`, path);
}

async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
      return { pid: value.pid, hostname: value.hostname, startedAt: String(value.startedAt ?? '') };
    }
  } catch {
    // An empty or torn lock file: its writer died between create and write. Treated as unknown.
  }
  return undefined;
}

/** True when the holder ran on this host and its process is gone. */
function isStale(holder: LockInfo): boolean {
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else: alive.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describeHolder(outDir: string, path: string, holder: LockInfo | undefined): string {
  const who = holder
    ? `pid ${holder.pid} on ${holder.hostname}, started ${holder.startedAt}`
    : 'an unknown process';
  return `another meshparts run (${who}) is using ${outDir}; wait for it, or delete ${path} if it is not running`;
}
