import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { copyModels, MODELS, tempDir } from './paths.js';

/** A fresh folder per test: `inputs/` holding copies of fixture models, and an `out/` path (not created). */
export interface Workspace {
  dir: string;
  inputs: string;
  out: string;
}

/**
 * Registers beforeEach/afterEach hooks that give every test of the file its own workspace, removed
 * afterwards. The returned object is refreshed before each test.
 */
export function useWorkspace(prefix: string, models: readonly string[] = MODELS): Workspace {
  const workspace: Workspace = { dir: '', inputs: '', out: '' };
  let remove: () => Promise<void> = async () => {};
  beforeEach(async () => {
    const temp = await tempDir(prefix);
    remove = temp.remove;
    workspace.dir = temp.dir;
    workspace.inputs = join(temp.dir, 'models');
    workspace.out = join(temp.dir, 'out');
    await copyModels(workspace.inputs, models);
  });
  afterEach(() => remove());
  return workspace;
}
