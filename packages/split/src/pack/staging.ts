import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { PackWriteError } from '../errors.js';
import { pathExists, syncDir, writeNewFile } from './durable-files.js';
import { MANIFEST_FILE, type Manifest, ownedPathsOf } from './manifest.js';
import { asManifest } from './manifest-check.js';
import { folderInTheWay, found, type PathCache, packPath, pathState } from './pack-paths.js';

/**
 * The staging folder of a pack write, INSIDE the pack folder (same file system even when the pack
 * folder is a mount point, so every rename is atomic): `<pack>/.meshparts.tmp-<hex>/` holding
 *
 * - `staging.json`, written first: marks the folder as meshparts' own;
 * - `previous.json`: the pack's manifest as it was (when there was one): which files were ours;
 * - `files/…`: the new files, laid out as in the pack;
 * - `manifest.json`: the new manifest, written last: the staging is READY.
 *
 * The commit (see {@link commitStaging}) removes the pack's manifest first, so that no reader takes
 * the pack for complete while files move; renames each new file over the old one; removes the old
 * files the new manifest no longer lists; and renames the new manifest into place last. A user's file
 * is never moved, renamed over or removed. Each step can be repeated, so a commit cut short by a crash
 * or `kill -9` is finished by the next write into the pack ({@link recoverPackFolder}), from what the
 * staging folder holds; a staging folder that was not ready is simply removed (the pack was not
 * touched yet).
 */
export const STAGING_PREFIX = '.meshparts.tmp-';
const MARKER = 'staging.json';
const PREVIOUS = 'previous.json';
const FILES = 'files';

/** A staging folder being filled. */
export interface Staging {
  /** The staging folder. */
  dir: string;
  /** Where the new files go: a pack laid out as it will be. */
  filesDir: string;
}

/** Creates the staging folder inside `packDir` and records the pack's current manifest bytes. */
export async function createStaging(
  packDir: string,
  generator: string,
  previous: Uint8Array | undefined,
  durable: boolean,
): Promise<Staging> {
  const dir = join(packDir, `${STAGING_PREFIX}${randomBytes(6).toString('hex')}`);
  // mkdir, not mkdtemp: folders follow the umask (mkdtemp makes them 0700).
  await mkdir(dir);
  const marker = { generator, pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  await writeNewFile(join(dir, MARKER), `${JSON.stringify(marker)}\n`, durable);
  if (previous) await writeNewFile(join(dir, PREVIOUS), previous, durable);
  await mkdir(join(dir, FILES));
  return { dir, filesDir: join(dir, FILES) };
}

/** Writes the new manifest into the staging folder: from here on the staging is ready to commit. */
export async function sealStaging(
  staging: Staging,
  manifestBytes: Uint8Array,
  durable: boolean,
): Promise<void> {
  await writeNewFile(join(staging.dir, MANIFEST_FILE), manifestBytes, durable);
  if (durable) await syncDir(staging.dir);
}

/** Whether `name` (an entry of a pack folder) is a staging folder's name. */
export function isStagingName(name: string): boolean {
  return name.startsWith(STAGING_PREFIX);
}

/** What a staging folder found in a pack folder holds. */
export interface FoundStaging {
  dir: string;
  /** The new manifest, when the staging is ready. */
  manifest?: Manifest;
  /** The pack's manifest when the write began (undefined for a new pack). */
  previous?: Manifest;
  /** The process that is writing it, when that process is alive on this host. */
  livePid?: number;
}

/**
 * Reads a staging folder left in a pack folder. Returns undefined for an empty folder (a write that
 * died right after creating it) and throws PackWriteError for a folder with that name that is not
 * meshparts' (no `staging.json`): nothing of it is touched.
 */
export async function readStaging(dir: string): Promise<FoundStaging | undefined> {
  const entries = await readdir(dir);
  if (entries.length === 0) return undefined;
  if (!entries.includes(MARKER)) {
    throw new PackWriteError(
      `${dir} looks like a meshparts staging folder but has no ${MARKER}; move it away, nothing was changed`,
    );
  }
  const read = async (name: string) => {
    try {
      return asManifest(JSON.parse(await readFile(join(dir, name), 'utf8')));
    } catch {
      return undefined;
    }
  };
  const manifest = entries.includes(MANIFEST_FILE) ? await read(MANIFEST_FILE) : undefined;
  const previous = entries.includes(PREVIOUS) ? await read(PREVIOUS) : undefined;
  const livePid = await writerAlive(join(dir, MARKER));
  return {
    dir,
    ...(manifest ? { manifest } : {}),
    ...(previous ? { previous } : {}),
    ...(livePid !== undefined ? { livePid } : {}),
  };
}

/** The pid in a staging marker when that process is alive on this host (another write in progress). */
async function writerAlive(markerPath: string): Promise<number | undefined> {
  let marker: { pid?: unknown; hostname?: unknown };
  try {
    marker = JSON.parse(await readFile(markerPath, 'utf8')) as typeof marker;
  } catch {
    return undefined; // a marker cut short: its writer died while writing it
  }
  const pid = marker.pid;
  if (typeof pid !== 'number' || pid === process.pid || marker.hostname !== hostname()) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * Before the commit removes anything: every folder it will rename into or delete from must be
 * writable, so that a read-only `parts/` fails the write with nothing changed rather than halfway.
 */
export async function assertCommitPossible(
  packDir: string,
  paths: Iterable<string>,
  cache: PathCache = new Map(),
): Promise<void> {
  const folders = new Set<string>([packDir]);
  const parents = new Set<string>();
  for (const path of paths) parents.add(path.split('/').slice(0, -1).join('/'));
  for (const parent of parents) {
    // The nearest existing folder is the one a mkdir or rename would write into.
    const segments = parent === '' ? [] : parent.split('/');
    for (let end = segments.length; end > 0; end--) {
      const at = segments.slice(0, end).join('/');
      const kind = await found(packDir, at, cache);
      if (kind === 'absent') continue;
      if (kind === 'dir') folders.add(packPath(packDir, at));
      break; // a file or a link in the way was refused as a clash already
    }
  }
  for (const folder of folders) {
    try {
      await access(folder, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new PackWriteError(
        `cannot write the pack in ${packDir}: ${folder} is not writable (${(error as NodeJS.ErrnoException).code ?? 'denied'}); nothing was changed`,
        { cause: error },
      );
    }
  }
}

/**
 * Moves a ready staging folder's files into the pack (see the module comment); repeatable after a
 * crash at any point. `previous` is the manifest of the files meshparts owned before this write.
 */
export async function commitStaging(
  packDir: string,
  staging: { dir: string; manifest: Manifest; previous?: Manifest },
  durable: boolean,
): Promise<void> {
  const filesDir = join(staging.dir, FILES);
  const touched = new Set<string>([packDir]);
  // 1. The pack stops being complete: no reader trusts it while files move.
  await unlink(join(packDir, MANIFEST_FILE)).catch(ignoreMissing);
  if (durable) await syncDir(packDir);
  // 2. New files over the old owned ones (a rename replaces atomically). A staged top-level folder
  //    that the pack does not have yet (`parts/` of a new pack) holds only new files and no user's
  //    file can be in it: it moves in one rename. A file already moved by a commit that was cut short
  //    is no longer in the staging folder: skipped.
  const moved = new Set<string>();
  for (const top of await readdir(filesDir)) {
    if ((await pathState(packDir, top)).kind !== 'absent') continue;
    await rename(join(filesDir, top), join(packDir, top));
    touched.add(join(packDir, top));
    moved.add(top);
  }
  const checkedParents = new Map<string, Promise<string | undefined>>();
  for (const path of ownedPathsOf(staging.manifest)) {
    if (path === MANIFEST_FILE || moved.has(path.split('/')[0]!)) continue;
    const from = packPath(filesDir, path);
    const to = packPath(packDir, path);
    // Never through a link or a file where a folder should be (checked once per folder; a folder at
    // the path itself makes the rename fail with EISDIR).
    const parent = path.split('/').slice(0, -1).join('/');
    if (!checkedParents.has(parent)) checkedParents.set(parent, folderInTheWay(packDir, parent));
    const inTheWay = await checkedParents.get(parent);
    if (inTheWay !== undefined) {
      throw new PackWriteError(`cannot write ${to}: ${packPath(packDir, inTheWay)} is in the way`);
    }
    if (!touched.has(dirname(to))) await mkdir(dirname(to), { recursive: true });
    try {
      await rename(from, to);
    } catch (error) {
      // Already moved by a commit that a crash cut short: nothing left to do for this file.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await pathExists(from))) continue;
      throw error;
    }
    touched.add(dirname(to));
  }
  // 3. Old owned files that the new manifest does not list. Only regular files, never through a link.
  const keep = new Set(ownedPathsOf(staging.manifest));
  for (const path of staging.previous ? ownedPathsOf(staging.previous) : []) {
    if (keep.has(path) || (await pathState(packDir, path)).kind !== 'file') continue;
    await unlink(packPath(packDir, path)).catch(ignoreMissing);
    await removeEmptyParents(packDir, dirname(packPath(packDir, path)), touched);
  }
  if (durable) for (const folder of touched) await syncDir(folder);
  // 4. The commit point: the new manifest, last.
  await rename(join(staging.dir, MANIFEST_FILE), join(packDir, MANIFEST_FILE));
  if (durable) await syncDir(packDir);
  await rm(staging.dir, { recursive: true, force: true });
}

/** Removes the folders a removed file leaves empty (`parts/` of a pack with no parts left), up to the pack. */
async function removeEmptyParents(packDir: string, folder: string, touched: Set<string>): Promise<void> {
  for (let at = folder; at.length > packDir.length; at = dirname(at)) {
    try {
      await rmdir(at); // fails on a folder that still holds anything, the user's files included
      touched.delete(at);
      touched.add(dirname(at));
    } catch {
      return;
    }
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
