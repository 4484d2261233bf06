import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { errorCodes, packProblems } from './helpers/fuzz-case.js';
import { MUTATIONS } from './helpers/glb-mutations.js';
import { FIXTURES, tempDir } from './helpers/paths.js';
import { mulberry32 } from './helpers/prng.js';

/**
 * Hostile GLBs through the built `meshparts` binary, as a user meets them: `split` must answer each
 * one with exit 0 and a sound pack, or exit 1/2 with exactly one line on stderr and no stack frame;
 * `run` must pack the good models of a folder and report each hostile one as its own failure.
 * helpers/fuzz-case.ts fuzzes the same mutations in process, hundreds of times; this covers the
 * CLI's own error path (messages, exit codes, stack traces) on a handful of them.
 */

const SEED = 0x636c69; // "cli"
const STACK_FRAME = /^\s{4}at /m;

let work: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  work = await tempDir('fuzz-cli');
  await ensureBuilt();
}, 180_000);
afterAll(() => work?.remove());

/** Seeded hostile files: one per mutation kind from a few real bases. */
async function hostileFiles(count: number): Promise<{ path: string; label: string }[]> {
  const rng = mulberry32(SEED);
  const bases = ['TwoCubes.glb', 'BoxAnimated.glb', 'generated/nested-mirrored.glb', 'Box_Draco.glb'];
  const kinds = Object.keys(MUTATIONS);
  const files: { path: string; label: string }[] = [];
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length]!;
    const kind = kinds[i % kinds.length]!;
    const mutated = MUTATIONS[kind]!(new Uint8Array(await readFile(join(FIXTURES, base))), rng);
    const path = join(work.dir, `hostile-${i}.glb`);
    await writeFile(path, mutated.bytes);
    files.push({ path, label: `${base}, ${mutated.label}` });
  }
  return files;
}

describe('meshparts split on hostile files', () => {
  it('answers each with a sound pack, or exit 1/2 and one line without a stack trace', async () => {
    const files = await hostileFiles(Object.keys(MUTATIONS).length);
    const refusals: string[] = [];
    for (const [i, file] of files.entries()) {
      const out = join(work.dir, `split-${i}`);
      const result = await runCli(['split', file.path, '-o', out], { timeoutMs: 30_000 });
      const what = `${file.label}: exit ${result.code}, stderr ${JSON.stringify(result.stderr)}`;
      expect(result.signal, what).toBeNull();
      expect([0, 1, 2], what).toContain(result.code);
      expect(result.stderr, what).not.toMatch(STACK_FRAME);
      if (result.code === 0) {
        expect(await packProblems(out, await errorCodes(await readFile(file.path))), what).toEqual([]);
      } else {
        refusals.push(result.stderr);
        expect(result.stderr.trimEnd().split('\n'), what).toHaveLength(1);
        expect(result.stderr, what).toMatch(/^meshparts: \S/);
        expect(result.stdout, what).toBe('');
        expect(await readdir(work.dir), what).not.toContain(`split-${i}`);
      }
    }
    expect(refusals.length).toBeGreaterThan(files.length / 2);
    // No temporary pack folders anywhere beside the outputs.
    expect((await readdir(work.dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  }, 240_000);
});

describe('meshparts run on a folder with hostile files among good ones', () => {
  it('packs the good models and fails each hostile one on its own, with one line each', async () => {
    const inputs = join(work.dir, 'run-inputs');
    const out = join(work.dir, 'run-out');
    const good = ['TwoCubes.glb', 'BoxAnimated.glb'];
    await mkdir(inputs, { recursive: true });
    for (const name of good) await copyFile(join(FIXTURES, name), join(inputs, name));
    const base = new Uint8Array(await readFile(join(FIXTURES, 'TwoCubes.glb')));
    const rng = mulberry32(SEED + 1);
    const hostile = {
      'h-truncated.glb': MUTATIONS.truncate!(base, rng).bytes,
      'h-not-json.glb': new Uint8Array(Buffer.from('glTF this is not a model at all')),
      'h-cycle.glb': MUTATIONS.nodeCycle!(base, rng).bytes,
      'h-count.glb': MUTATIONS.accessorCount!(base, rng).bytes,
    };
    for (const [name, bytes] of Object.entries(hostile)) await writeFile(join(inputs, name), bytes);

    const result = await runCli(['run', inputs, '-o', out, '--segmenter', 'local', '--json'], {
      timeoutMs: 120_000,
    });
    expect(result.stderr).not.toMatch(STACK_FRAME);
    const json = JSON.parse(result.stdout) as {
      results: {
        file: string;
        slug: string;
        outcome: string;
        error: { code: string; message: string } | null;
      }[];
    };
    const byName = new Map(json.results.map((r) => [r.file.split('/').pop()!, r]));
    for (const name of good) {
      const r = byName.get(name)!;
      expect(r.outcome, JSON.stringify(r)).toBe('packed');
      expect(await packProblems(join(out, r.slug))).toEqual([]);
    }
    const failed = json.results.filter((r) => r.outcome === 'failed');
    for (const r of failed) {
      expect(r.error?.code, JSON.stringify(r)).toBe('input');
      expect(r.error?.message).not.toContain('\n');
      expect(await readdir(out)).not.toContain(r.slug);
    }
    // Truncated, not JSON and a node cycle can never make a pack.
    for (const name of ['h-truncated.glb', 'h-not-json.glb', 'h-cycle.glb']) {
      expect(byName.get(name)?.outcome, name).toBe('failed');
    }
    expect(result.code).toBe(1);
    expect((await readdir(out)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  }, 180_000);
});
