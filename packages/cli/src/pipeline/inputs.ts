import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { PipelineUsageError } from './errors.js';

/**
 * Expands the run's inputs (files and folders) into a sorted, de-duplicated list of model files.
 * Folders are searched recursively for model files by extension; hidden folders, `node_modules`, and
 * the output folder itself are skipped. A path that does not exist is a usage error: nothing starts.
 */

/** Extensions a folder scan picks up. Files named explicitly are accepted whatever their extension. */
export const MODEL_EXTENSIONS: readonly string[] = ['.glb', '.gltf', '.fbx', '.obj', '.stl'];

export async function expandInputs(inputs: readonly string[], outDir: string): Promise<string[]> {
  if (inputs.length === 0) throw new PipelineUsageError('no input models given');
  const skip = resolve(outDir);
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
      for (const file of await scanFolder(input, skip)) add(file);
    } else if (info.isFile()) {
      add(input);
    } else {
      throw new PipelineUsageError(`input is not a file or folder: ${input}`);
    }
  }
  if (files.size === 0) {
    throw new PipelineUsageError(
      `no model files (${MODEL_EXTENSIONS.join(', ')}) found in ${inputs.join(', ')}`,
    );
  }
  return [...files.values()].sort();
}

async function scanFolder(dir: string, skip: string): Promise<string[]> {
  if (resolve(dir) === skip) return [];
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      found.push(...(await scanFolder(path, skip)));
    } else if (entry.isFile() && MODEL_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
      found.push(path);
    }
  }
  return found;
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
