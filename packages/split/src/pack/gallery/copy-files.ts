import { constants } from 'node:fs';
import { copyFile, mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir } from '../durable-files.js';

/** One file to put in a folder: copied from `source`, or written from `text`. */
export type PlannedFile = { to: string; source: string } | { to: string; text: string };

/** fsyncs a file written by copyFile (which has no flag for it). */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes planned files under `dir` (`to` is a relative `/`-separated path), creating folders as
 * needed. Copies try a copy-on-write clone first (a reflink on Btrfs, XFS or APFS costs no space)
 * and fall back to a plain copy. With `durable`, every file and folder written is fsynced (as the
 * pack writer does for its own files when it replaces a pack). Returns the relative paths, sorted.
 */
export async function writePlannedFiles(
  dir: string,
  files: readonly PlannedFile[],
  durable = false,
): Promise<string[]> {
  const folders = new Set(files.map((file) => dirname(join(dir, ...file.to.split('/')))));
  for (const folder of [...folders].sort()) await mkdir(folder, { recursive: true });
  await Promise.all(
    files.map((file) => {
      const target = join(dir, ...file.to.split('/'));
      return 'text' in file
        ? writeFile(target, file.text)
        : copyFile(file.source, target, constants.COPYFILE_FICLONE);
    }),
  );
  if (durable) {
    await Promise.all(files.map((file) => syncFile(join(dir, ...file.to.split('/')))));
    for (const folder of [...folders].sort().reverse()) await syncDir(folder);
  }
  return files.map((file) => file.to).sort();
}
