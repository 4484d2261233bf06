import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * `mkdir -p` that says why it failed. Node's recursive mkdir reports ENOENT where a level cannot be
 * created for another reason (a read-only file system, no permission), and EEXIST where a file stands
 * in the way: the deepest missing level is then created alone to get its own error, and a file in the
 * way is named.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
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
