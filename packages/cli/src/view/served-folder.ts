import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What `meshparts view` serves: a pack, or a run's output (catalog.json and one pack per model). */
export interface ServedFolder {
  kind: 'pack' | 'run';
  /** One line about it: "pack of robot.glb, 12 parts" or "run output, 4 packs". */
  summary: string;
}

/** Why a folder cannot be served; the message is one line for the terminal. */
export class NotServableError extends Error {
  override readonly name = 'NotServableError';
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Tells whether `dir` is a pack (a meshparts manifest.json) or a run's output (catalog.json), and
 * that it has the index.html to open. Throws NotServableError otherwise.
 */
export async function inspectServedFolder(dir: string): Promise<ServedFolder> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch {
    throw new NotServableError(`${dir} does not exist`);
  }
  if (!info.isDirectory()) throw new NotServableError(`${dir} is not a folder`);
  const manifest = (await readJson(join(dir, 'manifest.json'))) as {
    manifestVersion?: unknown;
    parts?: unknown;
    source?: { file?: unknown };
  } | null;
  const catalog = (await readJson(join(dir, 'catalog.json'))) as {
    catalogVersion?: unknown;
    packs?: unknown;
  } | null;
  let served: ServedFolder;
  if (manifest && manifest.manifestVersion === 1 && Array.isArray(manifest.parts)) {
    const file = typeof manifest.source?.file === 'string' ? manifest.source.file : 'a model';
    served = { kind: 'pack', summary: `pack of ${file}, ${count(manifest.parts.length, 'part')}` };
  } else if (catalog && catalog.catalogVersion === 1 && Array.isArray(catalog.packs)) {
    served = { kind: 'run', summary: `run output, ${count(catalog.packs.length, 'pack')}` };
  } else {
    throw new NotServableError(
      `${dir} is neither a pack (no meshparts manifest.json) nor a run's output (no catalog.json)`,
    );
  }
  if (!(await isFile(join(dir, 'index.html')))) {
    throw new NotServableError(
      `${dir} is a ${served.kind === 'pack' ? 'pack' : "run's output"} without a gallery (no index.html): write it again with this version of meshparts`,
    );
  }
  return served;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
