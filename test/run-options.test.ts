import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineUsageError, type RunPipelineOptions, runPipeline } from '../packages/cli/src/index.js';
import { splitModel } from '../packages/split/src/index.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

/**
 * runPipeline's options as a plain-JavaScript script passes them: each mistake is a PipelineUsageError
 * that names the option, before anything is read or written (the trial's `inputs: 'models/'` was read
 * character by character, `/` among them, and packed a whole file system).
 */
let work: { dir: string; remove: () => Promise<void> };
let outDir: string;
beforeEach(async () => {
  work = await tempDir('run-options');
  outDir = join(work.dir, 'out');
});
afterEach(async () => {
  await work.remove();
});

const model = join(FIXTURES, 'TwoCubes.glb');

async function refusal(options: unknown): Promise<string> {
  const error = await runPipeline(options as RunPipelineOptions).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PipelineUsageError);
  expect(existsSync(outDir), 'nothing written').toBe(false);
  return (error as Error).message;
}

describe('runPipeline options', () => {
  it.each([
    [
      { inputs: '/', outDir: 'OUT' },
      /^option inputs must be an array of paths, got "\/" \(write \["\/"\]\)$/,
    ],
    [{ inputs: [], outDir: 'OUT' }, /option inputs is empty/],
    [{ inputs: [model, 3], outDir: 'OUT' }, /option inputs\[1\] must be a path/],
    [{ inputs: [model] }, /^option outDir is required$/],
    [
      { inputs: [model], outdir: 'OUT' },
      /^unknown option outdir \(did you mean outDir\?\); the options are inputs, outDir,/,
    ],
    [
      { inputs: [model], outDir: 'OUT', segmenter: 'Tripo' },
      /option segmenter must be one of tripo, local, got "Tripo"/,
    ],
    [
      { inputs: [model], outDir: 'OUT', maxCredits: '80' },
      /option maxCredits must be a number of at least 0, got "80"/,
    ],
    [
      { inputs: [model], outDir: 'OUT', concurrency: 0 },
      /option concurrency must be an integer of at least 1, got 0/,
    ],
    [{ inputs: [model], outDir: 'OUT', dryRun: 'yes' }, /option dryRun must be true or false/],
    [{ inputs: [model], outDir: 'OUT', gallery: 'no' }, /^option gallery must be true or false, got "no"$/],
    [
      { inputs: [model], outDir: 'OUT', client: { requestsPerMinute: 'fast' } },
      /option client\.requestsPerMinute must be a number above 0/,
    ],
    [
      { inputs: [model], outDir: 'OUT', client: { timeoutMs: 0 } },
      /^option client\.timeoutMs must be a number above 0, got 0$/,
    ],
    [
      { inputs: [model], outDir: 'OUT', client: { rpm: 60 } },
      /unknown option client\.rpm; the options of client are apiKey,/,
    ],
    [{ inputs: [model], outDir: 'OUT', split: { pivot: 'bottm' } }, /option split\.pivot must be one of/],
    ['models/', /^runPipeline's options must be an object, got "models\/"$/],
  ])('refuses %j', async (options, message) => {
    const withOut = typeof options === 'object' && 'outDir' in options ? { ...options, outDir } : options;
    expect(await refusal(withOut)).toMatch(message);
  });

  it('still runs what is right: a valid call packs', async () => {
    const run = await runPipeline({ inputs: [model], outDir, segmenter: 'local' });
    expect(run.results[0]?.outcome).toBe('packed');
  });
});

describe('splitModel without a folder', () => {
  it('says it needs one, naming the call, and writes nothing', async () => {
    await expect(splitModel(model, undefined as unknown as string)).rejects.toThrow(
      /^splitModel needs the folder to write the pack into: splitModel\(input, dir, options\), got undefined$/,
    );
  });
});
