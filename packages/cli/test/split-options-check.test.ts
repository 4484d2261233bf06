import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSplitOptions } from '@meshparts/split/options';
import { afterAll, describe, expect, it } from 'vitest';
import { splitOptionsFrom } from '../src/commands/options.js';
import { PipelineUsageError, runPipeline } from '../src/index.js';

/**
 * runPipeline checks its `split` options before it reads or writes anything (the split package's
 * checkSplitOptions): a library caller's `split: { pivot: 'top' }` or `split: { nameTemplate }` is a
 * PipelineUsageError naming the option, with no output folder made, instead of a manifest with
 * `"pivot": "top"` or a template silently ignored. The CLI's own options object passes the check.
 */

const work = mkdtempSync(join(tmpdir(), 'meshparts-split-options-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const FIXTURES = new URL('../../../fixtures/', import.meta.url).pathname;

describe("runPipeline's split options", () => {
  it.each([
    [{ pivot: 'top' }, /^option split\.pivot must be one of original, center, bottom, got "top"$/],
    [
      { nameTemplate: '{model}_{name}' },
      /^unknown option split\.nameTemplate \(did you mean split\.naming\.template\?\)/,
    ],
    [{ naming: { case: 'SNAKE' } }, /^option split\.naming\.case must be one of keep, snake/],
    [{ thumbnails: 'none' }, /^option split\.thumbnails .*got "none"$/],
  ])('%j is refused before anything is written', async (split, message) => {
    const outDir = join(work, 'out');
    const error = await runPipeline({
      inputs: [join(FIXTURES, 'TwoCubes.glb')],
      outDir,
      segmenter: 'local',
      split: split as never,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineUsageError);
    expect((error as Error).message).toMatch(message);
    expect(existsSync(outDir)).toBe(false);
  });

  it('takes what `meshparts split` and `run` build from every flag', async () => {
    const rename = join(work, 'rename.json');
    await writeFile(rename, JSON.stringify({ '/^Cube(.*)$/i': 'box$1' }));
    const options = await splitOptionsFrom({
      strategy: 'auto',
      attribute: '_PART_ID',
      pivot: 'bottom',
      instances: 'separate',
      nameTemplate: '{model}_{name}',
      rename,
      case: 'snake',
      maxColors: 8,
      colorTolerance: 0.05,
      weldTolerance: 0.001,
      minPartArea: 0.01,
      targetParts: 4,
      maxFileMb: 0.001,
      maxVertices: 10,
      maxParts: 3,
      thumbnails: false,
      textures: 'shared',
      textureFormat: 'webp',
      webpFallback: true,
    });
    expect(() => checkSplitOptions(options, 'option split.')).not.toThrow();
  });

  it('good options run through to the pack', async () => {
    const outDir = join(work, 'good');
    const run = await runPipeline({
      inputs: [join(FIXTURES, 'TwoCubes.glb')],
      outDir,
      segmenter: 'local',
      split: { pivot: 'center', naming: { template: '{model}_{name}', case: 'snake' }, thumbnails: null },
    });
    expect(run.results.map((r) => r.outcome)).toEqual(['packed']);
    const manifest = JSON.parse(await readFile(run.results[0]!.manifestPath!, 'utf8'));
    for (const part of manifest.parts) {
      expect(part.pivot).toBe('center');
      expect(part.name).toMatch(/^two_cubes_/);
    }
  });
});
