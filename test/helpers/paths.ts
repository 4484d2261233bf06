import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/helpers/ is two levels down). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'fixtures');
export const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');

/** Small real models from fixtures/ (attribution in fixtures/SOURCES.md) used by the pipeline tests. */
export const MODELS = ['BoxAnimated.glb', 'TwoCubes.glb', 'SimpleInstancing.glb'] as const;

/** A fresh temp folder; remove it with the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `meshparts-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies fixture models into `dir` (the input folder of a run) and returns their paths. */
export async function copyModels(dir: string, names: readonly string[] = MODELS): Promise<string[]> {
  const paths: string[] = [];
  for (const name of names) {
    const to = join(dir, name);
    await cp(join(FIXTURES, name), to);
    paths.push(to);
  }
  return paths;
}
