import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { expectValidPack } from './helpers/packs.js';
import { ROOT, tempDir } from './helpers/paths.js';

let work: { dir: string; remove: () => Promise<void> };
beforeAll(ensureBuilt, 180_000);
beforeEach(async () => {
  work = await tempDir('demo');
});
afterEach(() => work.remove());

/** The arguments of the root package.json `demo` script, with its output folder swapped for `out`. */
async function demoArgs(out: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts.demo!.split(/\s+/);
  expect(words.slice(0, 2)).toEqual(['node', 'packages/cli/dist/bin.js']);
  const args = words.slice(2);
  args[args.indexOf('-o') + 1] = out;
  return args;
}

describe('pnpm demo', () => {
  it('packs every demo model offline, even with a key in the environment, and a rerun skips them all', async () => {
    const out = join(work.dir, 'demo');
    const args = await demoArgs(out);
    // A developer's key must not make the demo spend credits: it pins the local segmenter.
    const result = await runCli(args, { env: { THREEDAISTUDIO_API_KEY: 'sk-would-cost-money' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/segmenter: local/);
    const models = args.filter((a) => a.startsWith('fixtures/'));
    const catalog = JSON.parse(await readFile(join(out, 'catalog.json'), 'utf8')) as {
      packs: { pack: string; parts: number }[];
    };
    expect(catalog.packs).toHaveLength(models.length);
    const strategies: string[] = [];
    for (const pack of catalog.packs) {
      const manifest = await expectValidPack(join(out, pack.pack));
      strategies.push(manifest.source.strategy);
      expect(manifest.parts).toHaveLength(pack.parts);
      expect(pack.parts).toBeGreaterThan(1);
      // The pack (and so its gallery page) says what the segmenter said it cut the model by.
      const said = new RegExp(
        `^${pack.pack}: segmented locally into ${pack.parts} part\\(s\\) \\((\\w+)\\)$`,
        'm',
      );
      expect(said.exec(result.stderr)?.[1], pack.pack).toBe(manifest.source.strategy);
    }
    expect(strategies).toContain('shape');
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr.match(/skipped/g)?.length).toBeGreaterThanOrEqual(models.length);
  });
});
