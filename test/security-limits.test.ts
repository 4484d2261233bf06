import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModel, splitModel } from '../packages/split/src/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

/**
 * GitHub issue 6, "Hostile input": no memory blow-up. Sizes a file declares are checked against the
 * file before anything is allocated (the fuzz tests lie about them), and there are configurable limits
 * on the file size, the vertex count and the part count, with defaults that a hostile file cannot talk
 * its way past. A limit hit is bad input: a ModelLimitError (exit 2, one line that names the flag).
 */

let work: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('security-limits');
  await ensureBuilt();
}, 180_000);
afterAll(() => work?.remove());

const twoCubes = () => readFile(join(FIXTURES, 'TwoCubes.glb')).then((b) => new Uint8Array(b));

async function rejection(promise: Promise<unknown>): Promise<Error & { limit?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error & { limit?: string },
  );
}

describe('limits on hostile sizes', () => {
  it('refuses a file over the size limit from its size alone, before reading it (a 3 GiB sparse file)', async () => {
    const big = join(work.dir, 'huge.glb');
    const handle = await open(big, 'w');
    await handle.truncate(3 * 1024 ** 3); // sparse: costs no disk, but reading it would cost 3 GiB
    await handle.close();
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const error = await rejection(readModel(big));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 * 1024 ** 2);
    expect(error.name).toBe('ModelLimitError');
    expect(error.limit).toBe('maxFileBytes');
    expect(error.message).toMatch(/huge\.glb.*3\.0 GiB.*limit/);
  });

  it('takes a smaller file-size limit, and a vertex limit checked from the declared counts', async () => {
    const bytes = await twoCubes();
    const size = await rejection(readModel(bytes, { name: 'TwoCubes.glb', limits: { maxFileBytes: 1000 } }));
    expect(size).toMatchObject({ name: 'ModelLimitError', limit: 'maxFileBytes' });
    const vertices = await rejection(readModel(bytes, { name: 'TwoCubes.glb', limits: { maxVertices: 10 } }));
    expect(vertices).toMatchObject({ name: 'ModelLimitError', limit: 'maxVertices' });
    expect(vertices.message).toMatch(/TwoCubes\.glb.* vertices.*limit of 10/);
    // Within the limits, the same file reads.
    const ok = await readModel(bytes, {
      name: 'TwoCubes.glb',
      limits: { maxFileBytes: 10_000, maxVertices: 1000 },
    });
    expect(ok.document.getRoot().listMeshes()).toHaveLength(2);
  });

  it('refuses more parts than the part limit, writing nothing', async () => {
    const out = join(work.dir, 'parts-limit');
    const error = await rejection(splitModel(await twoCubes(), out, { limits: { maxParts: 1 } }));
    expect(error).toMatchObject({ name: 'ModelLimitError', limit: 'maxParts' });
    expect(error.message).toMatch(/2 parts.*limit of 1/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('the CLI sets them with --max-file-mb, --max-vertices and --max-parts: exit 2 and one line naming the flag', async () => {
    const model = join(FIXTURES, 'TwoCubes.glb');
    const cases: [string[], RegExp][] = [
      [['--max-parts', '1'], /--max-parts/],
      [['--max-vertices', '10'], /--max-vertices/],
    ];
    for (const [flags, flag] of cases) {
      const out = join(work.dir, `cli-${flags[0]}`);
      const split = await runCli(['split', model, '-o', out, ...flags]);
      expect(split.code, split.stderr).toBe(2);
      expect(split.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(split.stderr).toMatch(flag);
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
      const run = await runCli([
        'run',
        model,
        '-o',
        `${out}-run`,
        '--segmenter',
        'local',
        '--json',
        ...flags,
      ]);
      // Its only model refused as bad input: exit 2, as `split` does.
      expect(run.code, run.stderr).toBe(2);
      const result = (
        JSON.parse(run.stdout) as { results: { error: { code: string; message: string } | null }[] }
      ).results[0]!;
      expect(result.error?.code).toBe('input');
      expect(result.error?.message).toMatch(flag);
    }
    const small = await runCli(['split', model, '-o', join(work.dir, 'cli-mb'), '--max-file-mb', '0.001']);
    expect(small.code, small.stderr).toBe(2);
    expect(small.stderr).toMatch(/--max-file-mb/);
    // Within limits the same flags let the model through.
    const fine = await runCli([
      'split',
      model,
      '-o',
      join(work.dir, 'cli-ok'),
      '--max-parts',
      '2',
      '--max-vertices',
      '1000',
      '--max-file-mb',
      '1',
    ]);
    expect(fine.code, fine.stderr).toBe(0);
  });
});
