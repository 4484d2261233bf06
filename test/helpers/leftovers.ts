import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Names the pipeline gives its in-between files: writeFileAtomic's `<file>.tmp-<pid>-<hex>`,
 * writePack's `.<pack>.tmp-<random>` folder and `<pack>.old-<hex>` swap, the client's
 * `<file>.part-<hex>` download. Any of them left after a run means a half-written file survived.
 */
export const TEMP_NAME = /\.tmp-|\.part-|\.old-|\.partial$|~$/;

/** Every path under `dir` (relative, `/`-separated) whose name looks like a temporary file. */
export async function tempLeftovers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (TEMP_NAME.test(entry.name)) found.push(relative(dir, path).split('\\').join('/'));
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/** Every file under `dir`, as absolute paths (for greps across an output folder). */
export async function allFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  await walk(dir);
  return files.sort();
}
