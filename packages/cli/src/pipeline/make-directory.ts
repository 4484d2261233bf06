import { randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * `mkdir -p` that says why it failed, and returns the folders it created (outermost first; empty when
 * `dir` was already there), so that a command refused before doing any work can take them back with
 * {@link removeEmptyFolders}. Node's recursive mkdir reports ENOENT where a level cannot be created
 * for another reason (a read-only file system, no permission), and EEXIST where a file stands in the
 * way: the deepest missing level is then created alone to get its own error, and a file in the way is
 * named.
 */
export async function makeDirectory(dir: string): Promise<string[]> {
  const target = resolve(dir);
  try {
    const first = await mkdir(target, { recursive: true });
    if (first === undefined) return [];
    const created: string[] = [];
    for (let at = target; at !== dirname(at); at = dirname(at)) {
      created.unshift(at);
      if (at === resolve(first)) break;
    }
    return created;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      const blocker = await fileInTheWay(dir);
      if (blocker !== undefined) {
        throw Object.assign(new Error(`${blocker} is a file, not a folder`), {
          code: 'ENOTDIR',
          cause: error,
        });
      }
    }
    if (code !== 'ENOENT') throw error;
    let missing = dir;
    while ((await exists(dirname(missing))) === false && dirname(missing) !== missing)
      missing = dirname(missing);
    await mkdir(missing);
    throw error;
  }
}

/**
 * Removes the folders of `created` (as {@link makeDirectory} returned them) that are empty, deepest
 * first, stopping at the first one that is not: rmdir never removes anything else, so a folder that
 * received a file, or that another process is using, stays.
 */
export async function removeEmptyFolders(created: readonly string[]): Promise<void> {
  for (const dir of [...created].reverse()) {
    try {
      await rmdir(dir);
    } catch (error) {
      // Gone already (another run took it back): its parent may still be empty.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The first component of `dir` that exists and is not a folder. */
async function fileInTheWay(dir: string): Promise<string | undefined> {
  const chain: string[] = [];
  for (let at = dir; dirname(at) !== at; at = dirname(at)) chain.unshift(at);
  for (const path of chain) {
    try {
      if (!(await stat(path)).isDirectory()) return path;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Throws (with the file system's reason) unless a new entry can be created where `target` would go:
 * in its deepest existing ancestor folder, probed with a real file. Checked before work that would be
 * lost if its result could not be written.
 */
export async function assertCanCreate(target: string): Promise<void> {
  let dir = dirname(resolve(target));
  while (!(await exists(dir)) && dirname(dir) !== dir) dir = dirname(dir);
  if (!(await stat(dir)).isDirectory()) {
    throw Object.assign(new Error(`${dir} is a file, not a folder`), { code: 'ENOTDIR' });
  }
  const probe = join(dir, `.meshparts-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why = code
      ? message.slice(0, message.indexOf(',') > 0 ? message.indexOf(',') : undefined)
      : message;
    throw Object.assign(new Error(`cannot create files in ${dir} (${why})`), { code, cause: error });
  }
  await rm(probe, { force: true });
}
