import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { messageOf, PipelineUsageError } from './errors.js';
import { JOURNAL_DIR } from './journal.js';

/**
 * Expands the run's inputs (files and folders) into a sorted, de-duplicated list of model files.
 * Folders are searched recursively for model files by extension; hidden folders and `node_modules`
 * are skipped, and so is every output folder: the run's own (compared by real path, so a symlink or
 * another spelling does not defeat it), any folder holding a `.meshparts/` journal, and any pack (a
 * folder whose `manifest.json` meshparts wrote). A run never pays to segment its own part files.
 * A sub-folder that cannot be read is reported as unreadable and the rest goes on.
 */

/** Extensions a folder scan picks up. Files named explicitly are accepted whatever their extension. */
export const MODEL_EXTENSIONS: readonly string[] = ['.glb', '.gltf', '.fbx', '.obj', '.stl'];

/** The model files of a run, and the folders that could not be read (each fails on its own). */
export interface ExpandedInputs {
  files: string[];
  unreadable: { path: string; reason: string }[];
}

export async function expandInputs(inputs: readonly string[], outDir: string): Promise<ExpandedInputs> {
  if (inputs.length === 0) throw new PipelineUsageError('no input models given');
  const scan: Scan = { outReal: await realPathOf(outDir), unreadable: [] };
  // Keyed by absolute path, so `a.glb` and `./a.glb` are one model; the first spelling is kept.
  const files = new Map<string, string>();
  const add = (file: string) => {
    if (!files.has(resolve(file))) files.set(resolve(file), file);
  };
  for (const input of inputs) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(input);
    } catch {
      throw new PipelineUsageError(`input not found: ${input}`);
    }
    if (info.isDirectory()) {
      for (const file of await scanFolder(input, scan)) add(file);
    } else if (info.isFile()) {
      add(input);
    } else {
      throw new PipelineUsageError(`input is not a file or folder: ${input}`);
    }
  }
  if (files.size === 0 && scan.unreadable.length === 0) {
    throw new PipelineUsageError(
      `no model files (${MODEL_EXTENSIONS.join(', ')}) found in ${inputs.join(', ')}`,
    );
  }
  return { files: [...files.values()].sort(), unreadable: scan.unreadable };
}

interface Scan {
  /** Real path of the output folder (of its deepest existing ancestor, plus the rest). */
  outReal: string;
  unreadable: ExpandedInputs['unreadable'];
}

async function scanFolder(dir: string, scan: Scan): Promise<string[]> {
  let entries: Dirent[];
  try {
    if ((await realpath(dir)) === scan.outReal) return [];
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    scan.unreadable.push({ path: dir, reason: `cannot read the folder ${dir}: ${messageOf(error)}` });
    return [];
  }
  if (await isOutputFolder(dir, entries)) return [];
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      found.push(...(await scanFolder(path, scan)));
    } else if (entry.isFile() && MODEL_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
      found.push(path);
    }
  }
  return found;
}

/** A folder meshparts wrote: a run's output (it holds `.meshparts/`) or a pack (its manifest says so). */
async function isOutputFolder(dir: string, entries: readonly { name: string }[]): Promise<boolean> {
  if (entries.some((entry) => entry.name === JOURNAL_DIR)) return true;
  if (!entries.some((entry) => entry.name === 'manifest.json')) return false;
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as unknown;
    const generator = (manifest as { generator?: unknown } | null)?.generator;
    return typeof generator === 'string' && generator.startsWith('meshparts');
  } catch {
    return false;
  }
}

/** The real path of `path`, resolving what exists of it (the rest appended as given). */
async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(await realPathOf(parent), basename(absolute));
  }
}

/**
 * Splits the inputs into those that exist and those that do not, so that one missing file among good
 * ones fails on its own (a per-model `input` error) instead of stopping the whole run. When none
 * exists, the caller lets expandInputs refuse the run as before.
 */
export async function splitMissingInputs(
  inputs: readonly string[],
): Promise<{ present: string[]; missing: string[] }> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    try {
      await stat(input);
      present.push(input);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') missing.push(input);
      else present.push(input); // expandInputs says what is wrong with it
    }
  }
  return { present, missing: [...new Set(missing)] };
}
