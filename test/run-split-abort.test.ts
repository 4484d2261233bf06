import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal, runPipeline } from '../packages/cli/src/index.js';
import { expectValidPack } from './helpers/packs.js';
import { copyModels, tempDir } from './helpers/paths.js';

/**
 * A run cancelled while a model is being split stops the split (its signal reaches splitModel): the
 * model ends `aborted`, its pack folder is not made, and the next run packs it from the cached
 * segmentation. Before, the split in progress finished and the cancelled run still wrote its pack.
 */
let work: { dir: string; remove: () => Promise<void> };
let model: string;
let outDir: string;

beforeEach(async () => {
  work = await tempDir('run-split-abort');
  model = (await copyModels(join(work.dir, 'models'), ['TwoCubes.glb']))[0]!;
  outDir = join(work.dir, 'out');
});
afterEach(async () => {
  await work.remove();
});

describe('runPipeline cancelled during the split', () => {
  it('stops the split, writes no pack, and the next run packs the model without segmenting again', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const cancelled = await runPipeline({
      inputs: [model],
      outDir,
      segmenter: 'local',
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event.type);
        // The model is segmented and its split comes next: the user presses Ctrl-C now.
        if (event.type === 'segmented') controller.abort();
      },
    });
    const result = cancelled.results[0]!;
    expect(events).toContain('segmented');
    expect(events).not.toContain('split');
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('aborted');
    const slug = cancelled.plans[0]!.model.slug;
    expect(await readdir(outDir)).not.toContain(slug);
    expect((await readJournal(outDir)).latest(result.model.sha256, 'local')?.state).toBe('segmented');

    const rerun = await runPipeline({ inputs: [model], outDir, segmenter: 'local' });
    expect(rerun.results[0]).toMatchObject({ outcome: 'packed' });
    expect(rerun.plans[0]?.action).toBe('split');
    await expectValidPack(rerun.results[0]!.packDir!);
  });
});
