import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ensureBuilt } from './helpers/cli.js';
import { copyModels, MODELS, ROOT, tempDir } from './helpers/paths.js';

const execFileAsync = promisify(execFile);

/**
 * Issue 10, "Install and scripts, as the README says": the root README's "From a Node script"
 * example runs as written from a clone, with the import resolving from the repository root (the root
 * package depends on `meshparts` through the workspace), and the `meshparts` command the README
 * names is there after `pnpm install`.
 */

beforeAll(ensureBuilt, 180_000);

/** The code block of a README section, as written. */
async function readmeBlock(section: string): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`### ${section}`);
  expect(start, `README section "${section}"`).toBeGreaterThanOrEqual(0);
  const block = /```(?:ts|js)\n([\s\S]*?)```/.exec(readme.slice(start));
  expect(block, `a code block under "${section}"`).not.toBeNull();
  return block![1]!;
}

describe('the README', () => {
  it('"From a Node script" runs as written, from the repository root', async () => {
    const code = await readmeBlock('From a Node script');
    expect(code).toMatch(/from 'meshparts'/);
    // The module lives in the repository root, where a user's script would resolve 'meshparts';
    // its working folder holds the `models/` the example reads.
    const script = join(ROOT, `.readme-node-script-${process.pid}.mjs`);
    const work = await tempDir('readme');
    try {
      await copyModels(join(work.dir, 'models'));
      await writeFile(script, code);
      const { stdout, stderr } = await execFileAsync(process.execPath, [script], {
        cwd: work.dir,
        env: cleanEnv(),
        timeout: 120_000,
      });
      const lines = stdout.trim().split('\n');
      expect(lines, stderr).toHaveLength(MODELS.length);
      for (const line of lines) expect(line).toMatch(/^models\/\S+\.glb packed .*out\/packs\//);
      expect(stderr).toMatch(/^plan\b/m);
      const catalog = JSON.parse(await readFile(join(work.dir, 'out', 'packs', 'catalog.json'), 'utf8'));
      expect(catalog.packs).toHaveLength(MODELS.length);
    } finally {
      await rm(script, { force: true });
      await work.remove();
    }
  }, 150_000);

  it('`pnpm exec meshparts` works from the root after pnpm install', async () => {
    const { stdout } = await execFileAsync(join(ROOT, 'node_modules', '.bin', 'meshparts'), ['--version'], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
