import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { OutputLockedError } from './errors.js';
import { writeNewFile } from './fs-atomic.js';
import { JOURNAL_DIR } from './journal.js';
import { makeDirectory, removeEmptyFolders } from './make-directory.js';

/**
 * An exclusive lock on an output folder: `<outDir>/.meshparts/lock`, created with `open(..., 'wx')`
 * (atomic create-if-absent) and holding `{ pid, hostname, startedAt }`. Two runs on one folder would
 * race on the journal and could pay twice for the same model, so the second one refuses.
 *
 * A lock left by a process that died (kill -9, a crash) is stale: when its host is this machine and
 * its pid is no longer alive, it is removed and taken over. A lock from another host (a shared network
 * folder) is never taken over automatically; the message says which file to delete.
 *
 * The lock creates the folders it needs (`<outDir>` and `.meshparts/`) and, on release, removes those
 * of them that are still empty: a command refused before doing any work (a bad key, a folder in the
 * way, a corrupt model) leaves no `.meshparts/` and no output folder behind, while one that wrote a
 * journal line, a cache entry or a pack keeps them.
 */

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface OutputLock {
  readonly path: string;
  /** Removes the lock, then the folders {@link acquireLock} created that are empty now. */
  release(): Promise<void>;
}

export function lockPath(outDir: string): string {
  return join(outDir, JOURNAL_DIR, 'lock');
}

/** Takes the lock of `outDir` (creating `outDir/.meshparts/` if needed) or throws OutputLockedError. */
export async function acquireLock(outDir: string): Promise<OutputLock> {
  const path = lockPath(outDir);
  const created = new Set<string>();
  try {
    await takeLock(path, outDir, created);
  } catch (error) {
    await removeEmptyFolders([...created]);
    throw error;
  }
  return {
    path,
    release: async () => {
      // A lock that cannot be removed (the folder turned read-only) is stale once this process is
      // gone, and the next run takes it over: failing to remove it must not hide the run's results.
      await rm(path, { force: true }).catch(() => undefined);
      await removeEmptyFolders([...created]);
    },
  };
}

/** Attempts before giving up: a stale takeover, and folders removed under us by a run releasing them. */
const LOCK_ATTEMPTS = 4;

async function takeLock(path: string, outDir: string, created: Set<string>): Promise<void> {
  let tookOver = false;
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    for (const dir of await makeDirectory(dirname(path))) created.add(dir);
    try {
      await createWithContent(path, JSON.stringify(lockInfo()));
      return;
    } catch (error) {
      // `.meshparts/` vanished between mkdir and create: a run releasing its lock removed it, empty.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(path);
      if (!tookOver && holder !== undefined && isStale(holder) && (await removeStale(path, holder))) {
        tookOver = true;
        continue;
      }
      throw new OutputLockedError(describeHolder(outDir, path, holder), path);
    }
  }
  throw new OutputLockedError(`could not lock ${outDir}: ${path} keeps reappearing`, path);
}

function lockInfo(): LockInfo {
  return { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
}

/**
 * Creates `path` holding `text`, or fails with EEXIST, atomically: the content is written and fsynced
 * in a private temp file, then hard-linked to `path` (link never replaces an existing file). So a
 * second run never reads a lock that exists but is still empty, and always learns who holds it.
 */
async function createWithContent(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeNewFile(temp, text, true);
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    // A file system without hard links (FAT, some network shares): create-exclusive, then write.
    await writeNewFile(path, text, true);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Removes a stale lock, racing safely with other processes doing the same. Read-then-remove alone is
 * not enough: a slower taker that read the stale holder could remove the lock a faster one has just
 * taken. So the takeover itself is serialised by a second create-exclusive file, and under it the lock
 * is read again: it is removed only if it still holds the same dead holder. The takeover file names
 * its own holder too, so one left by a process killed in those few milliseconds (kill -9 loops hit
 * them) is cleared as soon as that process is gone and the takeover is tried once more; one that
 * cannot be read is ignored after ten seconds.
 */
async function removeStale(path: string, holder: LockInfo, retry = true): Promise<boolean> {
  const guard = `${path}.takeover`;
  try {
    await createWithContent(guard, JSON.stringify(lockInfo()));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = await readLock(guard);
    const age = await stat(guard).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    const abandoned = owner === undefined ? age > 10_000 : isStale(owner);
    if (!abandoned) return false;
    await rm(guard, { force: true });
    return retry ? removeStale(path, holder, false) : false;
  }
  try {
    const again = await readLock(path);
    if (
      again?.pid !== holder.pid ||
      again.hostname !== holder.hostname ||
      again.startedAt !== holder.startedAt
    ) {
      return false;
    }
    await rm(path, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
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
