import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt } from './helpers/cli.js';
import { FIXTURES, ROOT } from './helpers/paths.js';

const execFileAsync = promisify(execFile);

/**
 * The README: "the command is `pnpm meshparts <command>` anywhere in the repository". pnpm runs a
 * root script in the repository root; the script (scripts/meshparts.mjs) goes back to the folder the
 * user ran pnpm in (INIT_CWD), so relative paths mean what the user typed.
 */

beforeAll(ensureBuilt, 180_000);

/** `pnpm -s meshparts ...args` run in `cwd`. */
function pnpmMeshparts(cwd: string, args: readonly string[]) {
  return execFileAsync('pnpm', ['-s', 'meshparts', ...args], { cwd, env: cleanEnv(), timeout: 60_000 });
}

describe('`pnpm meshparts` anywhere in the repository', () => {
  it('resolves a model path against the folder it is run in', async () => {
    const { stdout } = await pnpmMeshparts(FIXTURES, ['inspect', 'TwoCubes.glb', '--json']);
    const report = JSON.parse(stdout);
    expect(report.parts.map((part: { name: string }) => part.name)).toEqual(['CubeA', 'CubeB']);
  });

  it('from a deeper folder, and from the root as before', async () => {
    const deeper = await pnpmMeshparts(join(FIXTURES, 'generated'), ['inspect', '../TwoCubes.glb', '--json']);
    expect(JSON.parse(deeper.stdout).parts).toHaveLength(2);
    const root = await pnpmMeshparts(ROOT, ['inspect', 'fixtures/TwoCubes.glb', '--json']);
    expect(JSON.parse(root.stdout).parts).toHaveLength(2);
  });

  it('keeps the exit code of a failure (a model that is not in the folder it is run in)', async () => {
    const error = await pnpmMeshparts(join(FIXTURES, 'generated'), ['inspect', 'TwoCubes.glb']).catch(
      (e: { code?: number; stderr?: string }) => e,
    );
    expect((error as { code?: number }).code).toBe(2);
    expect((error as { stderr?: string }).stderr).toMatch(/TwoCubes\.glb/);
  });
});
