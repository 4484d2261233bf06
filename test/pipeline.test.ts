import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BalanceTooLowError,
  journalPath,
  type PipelineEvent,
  parseJournal,
  type RunPipelineOptions,
  runPipeline,
} from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { clientFor, startTestEmulator } from './helpers/emulator.js';
import { expectValidPack } from './helpers/packs.js';
import { copyModels, FIXTURES, MODELS } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

let emulator: Emulator;
const ws = useWorkspace('pipeline');

afterEach(async () => {
  await emulator?.close();
});

/** An OBJ of two separate unit boxes in one object: the segmenters find the two pieces. */
const TWO_BOXES_OBJ = (() => {
  const corners = [
    [0, 0, 0],
    [1, 0, 0],
    [1, 1, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 1],
    [1, 1, 1],
    [0, 1, 1],
  ];
  const triangles = [
    [0, 2, 1],
    [0, 3, 2],
    [4, 5, 6],
    [4, 6, 7],
    [0, 1, 5],
    [0, 5, 4],
    [2, 3, 7],
    [2, 7, 6],
    [1, 2, 6],
    [1, 6, 5],
    [0, 4, 7],
    [0, 7, 3],
  ];
  const vertices = [0, 3].flatMap((x) => corners.map(([a, b, c]) => `v ${a! + x} ${b} ${c}`));
  const faces = [0, 8].flatMap((base) => triangles.map((t) => `f ${t.map((i) => i + base + 1).join(' ')}`));
  return `o boxes\n${[...vertices, ...faces].join('\n')}\n`;
})();

function tripo(extra: Partial<RunPipelineOptions> = {}): RunPipelineOptions {
  return { inputs: [ws.inputs], outDir: ws.out, segmenter: 'tripo', client: clientFor(emulator), ...extra };
}

describe('runPipeline against the emulator', () => {
  it('segments, splits and packs several models, with a catalog and events', async () => {
    emulator = await startTestEmulator();
    const events: PipelineEvent[] = [];
    const run = await runPipeline(tripo({ onEvent: (e) => events.push(e) }));

    expect(run.results.map((r) => r.outcome)).toEqual(['packed', 'packed', 'packed']);
    expect(run.spentCredits).toBe(80 * MODELS.length);
    expect(emulator.stats().submissions).toBe(MODELS.length);
    for (const result of run.results) {
      expect(result.taskId).toMatch(/\S/);
      const manifest = await expectValidPack(result.packDir!);
      expect(manifest.source).toMatchObject({
        sha256: result.model.sha256,
        segmenter: 'tripo',
        taskId: result.taskId,
      });
      expect(manifest.source.file).toBe(result.model.file.split('/').pop());
      expect(manifest.parts.length).toBe(result.parts);
    }
    const catalog = JSON.parse(await readFile(join(ws.out, 'catalog.json'), 'utf8'));
    expect(catalog.packs.map((p: { pack: string }) => p.pack).sort()).toEqual([
      'BoxAnimated',
      'SimpleInstancing',
      'TwoCubes',
    ]);
    for (const entry of catalog.packs) {
      expect(await stat(join(ws.out, entry.manifest))).toBeTruthy();
      // The input too is a path relative to the output folder (never absolute): it leads to the model.
      expect(entry.model).not.toMatch(/^\//);
      expect(
        createHash('sha256')
          .update(await readFile(join(ws.out, entry.model)))
          .digest('hex'),
      ).toBe(entry.sha256);
      expect(entry).toMatchObject({ segmenter: 'tripo' });
      expect(entry.taskId).toMatch(/\S/);
    }
    // Each model: submitted → progress → downloaded → split → done, in that order.
    for (const result of run.results) {
      const types = events
        .filter((e) => 'model' in e && e.model.slug === result.model.slug)
        .map((e) => e.type);
      const order = ['submitted', 'downloaded', 'split', 'done'].map((t) =>
        types.indexOf(t as PipelineEvent['type']),
      );
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(types).toContain('progress');
    }
    // The journal has the intent before each upload, the task id of every model before its
    // download, the hash of each cache entry, and no key.
    const journalText = await readFile(journalPath(ws.out), 'utf8');
    expect(journalText).not.toContain(clientFor(emulator).apiKey);
    for (const result of run.results) {
      const entries = parseJournal(journalText).filter((e) => e.sha256 === result.model.sha256);
      expect(entries.map((e) => e.state)).toEqual([
        'submitting',
        'submitted',
        'finished',
        'downloaded',
        'packed',
      ]);
      expect(entries[0]).not.toHaveProperty('taskId');
      expect(entries.find((e) => e.state === 'downloaded')?.cacheSha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // The balance was read once, before the first submission.
    expect(emulator.stats().requests.wallet).toBe(1);
    expect(run.balance).toBe(10_000);
  });

  it('pays nothing on a rerun, and re-splits from the cache for free when a pack is gone', async () => {
    emulator = await startTestEmulator();
    await runPipeline(tripo());
    const paid = emulator.stats().submissions;

    const again = await runPipeline(tripo());
    expect(again.results.map((r) => r.outcome)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(again.spentCredits).toBe(0);

    await rm(join(ws.out, 'TwoCubes'), { recursive: true });
    const third = await runPipeline(tripo({ split: { pivot: 'center' } }));
    expect(third.results.map((r) => r.action)).toEqual(['split', 'split', 'split']);
    expect(emulator.stats().submissions).toBe(paid);
    expect(emulator.stats().requests.submit).toBe(paid);
    const manifest = await expectValidPack(join(ws.out, 'TwoCubes'));
    expect(manifest.parts.every((p) => (p as unknown as { pivot: string }).pivot === 'center')).toBe(true);
  });

  it('keeps going when one task fails, and says which', async () => {
    emulator = await startTestEmulator({ faults: [{ kind: 'fail', after: 1 }] });
    const run = await runPipeline(tripo({ concurrency: 1 }));
    const outcomes = run.results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'packed')).toHaveLength(2);
    const failed = run.results.find((r) => r.outcome === 'failed')!;
    expect(failed.error?.code).toBe('segment');
    expect(failed.taskId).toMatch(/\S/);
    expect(failed.credits).toBe(0); // refunded by the provider
    const catalog = JSON.parse(await readFile(join(ws.out, 'catalog.json'), 'utf8'));
    expect(catalog.packs).toHaveLength(2);

    // A rerun resubmits only the failed model.
    const before = emulator.stats().submissions;
    const rerun = await runPipeline(tripo());
    expect(rerun.results.map((r) => r.outcome).sort()).toEqual(['packed', 'skipped', 'skipped']);
    expect(emulator.stats().submissions).toBe(before + 1);
  });

  it('journals a submission with an unknown outcome and does not pay for it again without consent', async () => {
    emulator = await startTestEmulator({ faults: [{ kind: 'acceptThenDrop', match: { method: 'POST' } }] });
    const run = await runPipeline(tripo({ inputs: [join(ws.inputs, 'TwoCubes.glb')] }));
    expect(run.results[0]).toMatchObject({
      outcome: 'failed',
      error: expect.objectContaining({ code: 'submission-unknown' }),
    });
    expect(emulator.stats().submissions).toBe(1);

    const blocked = await runPipeline(tripo({ inputs: [join(ws.inputs, 'TwoCubes.glb')] }));
    expect(blocked.plans[0]?.action).toBe('blocked');
    expect(blocked.results[0]?.error?.code).toBe('submission-unknown');
    expect(emulator.stats().submissions).toBe(1);

    const forced = await runPipeline(
      tripo({ inputs: [join(ws.inputs, 'TwoCubes.glb')], resubmitUnknown: true }),
    );
    expect(forced.results[0]?.outcome).toBe('packed');
    expect(emulator.stats().submissions).toBe(2);
  });

  it('spends at most maxCredits: the submissions beyond it wait for a later run', async () => {
    emulator = await startTestEmulator();
    const capped = await runPipeline(tripo({ maxCredits: 159 }));
    expect(capped.plans.map((p) => [p.action, p.blockedBy ?? null])).toEqual([
      ['submit', null],
      ['blocked', 'credit-limit'],
      ['blocked', 'credit-limit'],
    ]);
    expect(capped.spentCredits).toBe(80);
    expect(emulator.stats().submissions).toBe(1);
    expect(capped.results[1]?.error?.code).toBe('credit-limit');
    const rest = await runPipeline(tripo({ maxCredits: 240 }));
    expect(rest.spentCredits).toBe(160);
    expect(emulator.stats().submissions).toBe(3);
  });

  it('spends maxCredits in the order the inputs were given, not in path order', async () => {
    emulator = await startTestEmulator();
    // The last model by path, then the first.
    const first = join(ws.inputs, MODELS[MODELS.length - 1]!);
    const second = join(ws.inputs, MODELS[0]!);
    const run = await runPipeline(tripo({ inputs: [first, second], maxCredits: 80 }));
    expect(run.plans.map((p) => [p.model.file, p.action])).toEqual([
      [first, 'submit'],
      [second, 'blocked'],
    ]);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('refuses a plan the balance cannot pay for, before submitting anything', async () => {
    emulator = await startTestEmulator({ balance: 100 });
    const error = await runPipeline(tripo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalanceTooLowError);
    expect((error as Error).message).toMatch(
      /needs up to 240 credits .* but the balance is 100: 140 short; nothing was submitted\. .*--max-credits 80 \(1 submission/,
    );
    expect(emulator.stats().requests.submit).toBe(0);
    await expect(stat(join(ws.out, 'catalog.json'))).rejects.toThrow(/ENOENT/);
    // Running the part the balance covers, as the message says.
    const part = await runPipeline(tripo({ maxCredits: 80 }));
    expect(part.spentCredits).toBe(80);
    expect(emulator.stats().balance).toBe(20);
  });

  it('plans a dry run with the credits and the balance, and submits nothing', async () => {
    emulator = await startTestEmulator({ balance: 200 });
    const run = await runPipeline(tripo({ dryRun: true }));
    expect(run.plannedCredits).toBe(240);
    expect(run.balance).toBe(200);
    expect(run.plans.map((p) => p.action)).toEqual(['submit', 'submit', 'submit']);
    expect(run.results.every((r) => r.outcome === 'planned')).toBe(true);
    expect(emulator.stats().submissions).toBe(0);
    expect(emulator.stats().requests.wallet).toBe(1);
    await expect(stat(ws.out)).rejects.toThrow(/ENOENT/);
  });

  it('uploads an .obj as it is, and the emulator segments it as Tripo would', async () => {
    emulator = await startTestEmulator();
    const path = join(ws.dir, 'boxes.obj');
    await writeFile(path, TWO_BOXES_OBJ);
    const run = await runPipeline(tripo({ inputs: [path] }));
    expect(run.results[0]).toMatchObject({ outcome: 'packed', credits: 80 });
    const manifest = await expectValidPack(run.results[0]!.packDir!);
    expect(manifest.source).toMatchObject({ file: 'boxes.obj', segmenter: 'tripo' });
    expect(manifest.parts).toHaveLength(2);
    expect(emulator.stats().submissions).toBe(1);
  });

  it('segments identical ws.inputs once', async () => {
    emulator = await startTestEmulator();
    const copies = await copyModels(join(ws.dir, 'copy'), ['TwoCubes.glb']);
    const run = await runPipeline(tripo({ inputs: [join(ws.inputs, 'TwoCubes.glb'), copies[0]!] }));
    expect(run.results.map((r) => r.outcome)).toEqual(['packed', 'packed']);
    expect(new Set(run.results.map((r) => r.model.slug)).size).toBe(2);
    expect(emulator.stats().submissions).toBe(1);
    expect(run.spentCredits).toBe(80);
  });
});

describe('runPipeline without a key', () => {
  it('fails a model the local segmenter cannot read, clearly, and packs the others', async () => {
    await writeFile(join(ws.inputs, 'scan.fbx'), 'Kaydara FBX Binary  \0');
    const run = await runPipeline({ inputs: [ws.inputs], outDir: ws.out, segmenter: 'local' });
    const fbx = run.results.find((r) => r.model.file.endsWith('scan.fbx'))!;
    expect(fbx.error?.code).toBe('input');
    expect(fbx.error?.message).toMatch(
      /reads \.glb, \.gltf, \.obj, \.stl; scan\.fbx needs the tripo segmenter/,
    );
    expect(run.results.filter((r) => r.outcome === 'packed')).toHaveLength(MODELS.length);
  });

  it('segments and packs .obj and .stl offline, and refuses a broken one as input', async () => {
    const models = join(ws.dir, 'mesh-formats');
    await mkdir(models, { recursive: true });
    // Two separate boxes in one object: the local segmenter finds the pieces.
    await writeFile(join(models, 'boxes.obj'), TWO_BOXES_OBJ);
    await writeFile(join(models, 'broken.stl'), new Uint8Array(90));
    const run = await runPipeline({ inputs: [models], outDir: ws.out, segmenter: 'local' });
    const obj = run.results.find((r) => r.model.file.endsWith('boxes.obj'))!;
    expect(obj.outcome).toBe('packed');
    const manifest = await expectValidPack(obj.packDir!);
    expect(manifest.source.file).toBe('boxes.obj');
    expect(manifest.parts).toHaveLength(2);
    const stl = run.results.find((r) => r.model.file.endsWith('broken.stl'))!;
    expect(stl.error?.code).toBe('input');
    expect(stl.error?.message).toMatch(/broken\.stl is not an STL file/);
  });

  it('uses the local segmenter, offline', async () => {
    const run = await runPipeline({ inputs: [ws.inputs], outDir: ws.out, client: { apiKey: '' } });
    expect(run.segmenter).toBe('local');
    expect(run.results.map((r) => r.outcome)).toEqual(['packed', 'packed', 'packed']);
    expect(run.spentCredits).toBe(0);
    for (const result of run.results) {
      const manifest = await expectValidPack(result.packDir!);
      expect(manifest.source).toMatchObject({ segmenter: 'local', taskId: null });
    }
  });

  it('passes granularity to the local segmenter, and segments again (for free) when it changes', async () => {
    const specks = join(FIXTURES, 'labels', 'components-specks.glb');
    const merged = await runPipeline({ inputs: [specks], outDir: ws.out, segmenter: 'local' });
    const kept = await runPipeline({
      inputs: [specks],
      outDir: ws.out,
      segmenter: 'local',
      split: { granularity: { minPartArea: 0 } },
    });
    expect(kept.plans[0]?.action).toBe('segment');
    expect(kept.results[0]!.parts!).toBeGreaterThan(merged.results[0]!.parts!);
    await expectValidPack(kept.results[0]!.packDir!);
    const again = await runPipeline({ inputs: [specks], outDir: ws.out, segmenter: 'local' });
    expect(again.plans[0]?.action).toBe('split'); // the default-options segmentation is still cached
    expect(again.results[0]?.parts).toBe(merged.results[0]?.parts);
  });

  it('records how the local segmenter cut the model in the pack, also when a rerun splits from the cache', async () => {
    const figure = join(FIXTURES, 'generated', 'fused-figure.glb');
    const local = (split: RunPipelineOptions['split'] = {}) =>
      runPipeline({ inputs: [figure], outDir: ws.out, segmenter: 'local', split });
    const first = await local();
    const segmented = parseJournal(await readFile(journalPath(ws.out), 'utf8')).find(
      (entry) => entry.state === 'segmented',
    );
    // The segmenter's own sentence, journaled with its cache entry.
    expect(segmented).toMatchObject({
      strategy: 'shape',
      reason: expect.stringMatching(/shape.*; 6 parts$/),
    });
    const recorded = { segmenter: 'local', strategy: 'shape', reason: segmented!.reason };
    const firstPack = await expectValidPack(first.results[0]!.packDir!);
    expect(firstPack.source).toMatchObject(recorded);
    // Other split options: the pack is rewritten from the cached GLB, at the byte level (pivot) and
    // through a Document (names by region, which the byte-level split leaves to it).
    for (const split of [{ pivot: 'bottom' }, { naming: { template: '{name}_{region}' } }] as const) {
      const rerun = await local(split);
      expect(rerun.plans[0]?.action).toBe('split');
      const manifest = await expectValidPack(rerun.results[0]!.packDir!);
      expect(manifest.source).toMatchObject(recorded);
      if ('pivot' in split)
        expect(manifest.parts).toMatchObject(manifest.parts.map(() => ({ pivot: 'bottom' })));
      else
        expect(manifest.parts.map((part) => part.name)).not.toEqual(firstPack.parts.map((part) => part.name));
    }
    // A cache entry journaled by an older meshparts (no strategy or reason): the split's own plan.
    const journal = await readFile(journalPath(ws.out), 'utf8');
    const old = journal
      .split('\n')
      .map((line) =>
        line.includes('"segmented"') ? line.replace(/,"strategy":.*?,"reason":".*?"/, '') : line,
      )
      .join('\n');
    expect(old).not.toContain('"strategy"');
    await writeFile(journalPath(ws.out), old);
    const fromOld = await local();
    expect(fromOld.plans[0]?.action).toBe('split');
    const manifest = await expectValidPack(fromOld.results[0]!.packDir!);
    expect(manifest.source).toMatchObject({
      segmenter: 'local',
      strategy: 'nodes',
      reason: expect.stringMatching(/6 mesh nodes/),
    });
  });
});
