import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { MODEL_FILE_EXTENSIONS } from '@meshparts/split/options';
import { messageOf, PipelineUsageError } from './errors.js';
import { JOURNAL_DIR } from './journal.js';
import { segmentResultsIn } from './segment-results.js';

/**
 * Expands the run's inputs (files and folders) into a de-duplicated list of model files, in input
 * order: the inputs in the order given, each folder's models in path order (so `--max-credits`, which
 * spends in input order, spends on the models listed first). Folders are searched recursively for
 * model files by extension, following symbolic links (a folder reached twice is scanned once); hidden
 * folders and `node_modules` are skipped, and so is everything meshparts wrote:
 * - the run's own output folder (compared by real path, so a symlink or another spelling does not
 *   defeat it);
 * - another run's output folder (it holds `.meshparts/` and a meshparts `catalog.json`);
 * - a pack (a folder whose `manifest.json` meshparts wrote);
 * - the results of `meshparts segment`: a folder `segment` wrote into holds `.meshparts/` (its
 *   journal and cache) beside the user's models, and a model file there whose sha256 is a segmented
 *   result that journal recorded is skipped (a run never pays to segment a segmentation again). The
 *   folder's other models are inputs like any others.
 * A run never pays to segment its own part files. A sub-folder that cannot be read, or a broken
 * symbolic link with a model's extension, is reported as unreadable and the rest goes on. When
 * nothing is found, the error says what was skipped and why.
 */

/** Extensions only a converting segmenter (Tripo) reads: the local segmenter and the split do not. */
export const SEGMENTER_ONLY_EXTENSIONS: readonly string[] = ['.fbx'];

/**
 * Extensions a folder scan picks up: what @meshparts/split reads, and the segmenter-only ones. Files
 * named explicitly are accepted whatever their extension.
 */
export const MODEL_EXTENSIONS: readonly string[] = [...MODEL_FILE_EXTENSIONS, ...SEGMENTER_ONLY_EXTENSIONS];

/** The model files of a run, and the folders that could not be read (each fails on its own). */
export interface ExpandedInputs {
  files: string[];
  unreadable: { path: string; reason: string }[];
}

export async function expandInputs(inputs: readonly string[], outDir: string): Promise<ExpandedInputs> {
  if (inputs.length === 0) throw new PipelineUsageError('no input models given');
  const scan: Scan = { outReal: await realPathOf(outDir), unreadable: [], skipped: [], seen: new Set() };
  // Keyed by absolute path, so `a.glb` and `./a.glb` are one model; the first spelling is kept.
  const files = new Map<string, string>();
  const add = (file: string) => {
    if (!files.has(resolve(file))) files.set(resolve(file), file);
  };
  for (const input of inputs) {
    let info: Stats;
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
    const shown = scan.skipped.slice(0, 3).join('; ');
    const more = scan.skipped.length > 3 ? `; and ${scan.skipped.length - 3} more` : '';
    throw new PipelineUsageError(
      `no model files (${MODEL_EXTENSIONS.join(', ')}) found in ${inputs.join(', ')}` +
        (shown ? ` (skipped: ${shown}${more})` : ''),
    );
  }
  return { files: [...files.values()], unreadable: scan.unreadable };
}

interface Scan {
  /** Real path of the output folder (of its deepest existing ancestor, plus the rest). */
  outReal: string;
  unreadable: ExpandedInputs['unreadable'];
  /** What was left out as meshparts' own output, and why: said when nothing else is found. */
  skipped: string[];
  /** Real paths of the folders scanned: a symbolic link back up the tree is not followed again. */
  seen: Set<string>;
}

async function scanFolder(dir: string, scan: Scan): Promise<string[]> {
  let entries: Dirent[];
  try {
    const real = await realpath(dir);
    if (real === scan.outReal) {
      scan.skipped.push(`${dir} is the output folder`);
      return [];
    }
    if (scan.seen.has(real)) return [];
    scan.seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    scan.unreadable.push({ path: dir, reason: `cannot read the folder ${dir}: ${messageOf(error)}` });
    return [];
  }
  const written = await writtenByMeshparts(dir, entries);
  if (written) {
    scan.skipped.push(`${dir} is ${written}`);
    return [];
  }
  // Only a folder with a journal can hold segmentation results (segment-results.ts).
  const segmentResult = entries.some((entry) => entry.name === JOURNAL_DIR)
    ? await segmentResultsIn(dir)
    : undefined;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const isModel = MODEL_EXTENSIONS.includes(extname(entry.name).toLowerCase());
    let kind: 'folder' | 'file' | 'other' = entry.isDirectory()
      ? 'folder'
      : entry.isFile()
        ? 'file'
        : 'other';
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        kind = target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other';
      } catch (error) {
        if (isModel) scan.unreadable.push({ path, reason: `cannot read ${path}: ${messageOf(error)}` });
        continue;
      }
    }
    if (kind === 'folder') {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      found.push(...(await scanFolder(path, scan)));
    } else if (kind === 'file' && isModel) {
      if (await segmentResult?.(path)) scan.skipped.push(`${path} is a result of meshparts segment`);
      else found.push(path);
    }
  }
  return found;
}

/**
 * Whether meshparts wrote the folder, as the words for the skip message: a run's output (`.meshparts/`
 * and a meshparts `catalog.json`) or a pack (its manifest says so); else null.
 */
async function writtenByMeshparts(dir: string, entries: readonly { name: string }[]): Promise<string | null> {
  const names = new Set(entries.map((entry) => entry.name));
  if (names.has(JOURNAL_DIR) && names.has('catalog.json') && (await isOurs(join(dir, 'catalog.json'))))
    return "another run's output";
  if (names.has('manifest.json') && (await isOurs(join(dir, 'manifest.json')))) return 'a pack';
  return null;
}

/** Whether a JSON file's `generator` is meshparts'. */
async function isOurs(file: string): Promise<boolean> {
  try {
    const generator = (JSON.parse(await readFile(file, 'utf8')) as { generator?: unknown } | null)?.generator;
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
