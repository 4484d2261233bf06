import { copyFile, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { readModel } from '../packages/split/src/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { FIXTURES } from './helpers/paths.js';
import { canMountTmpfs, mountTmpfs, unmount } from './helpers/tmpfs.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 11 D7 and the new-user review: `meshparts segment` checks its output before paying, never
 * deletes a paid result, and has the pipeline's journal, cache and resume: the same file again costs
 * nothing, and the same command after a Ctrl-C resumes the paid task.
 */

let emulator: Emulator | undefined;
const mounts: string[] = [];
const ws = useWorkspace('segment', ['TwoCubes.glb']);
const model = () => join(ws.inputs, 'TwoCubes.glb');

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  for (const dir of mounts.splice(0)) unmount(dir);
  await emulator?.close();
  emulator = undefined;
});
afterAll(() => {
  for (const dir of mounts.splice(0)) unmount(dir);
});

async function meshesIn(file: string): Promise<number> {
  return (await readModel(file)).document.getRoot().listMeshes().length;
}

describe('meshparts segment', () => {
  it('a run over the folder segment wrote into packs the models there, not the segmented result', async () => {
    // The newcomer's trial: `segment` as its --help shows leaves .meshparts/ beside the models, which
    // used to hide the whole folder from `run`.
    const folder = join(ws.dir, 'models-here');
    await mkdir(folder, { recursive: true });
    await copyFile(model(), join(folder, 'TwoCubes.glb'));
    const segmented = await runCli(
      [
        'segment',
        join(folder, 'TwoCubes.glb'),
        '-o',
        join(folder, 'TwoCubes.segmented.glb'),
        '--segmenter',
        'local',
      ],
      { cwd: folder },
    );
    expect(segmented.code, segmented.stderr).toBe(0);
    const out = join(ws.dir, 'models-here-packs');
    const run = await runCli(['run', folder, '-o', out, '--segmenter', 'local', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const files = JSON.parse(run.stdout).results.map((r: { file: string }) => r.file);
    expect(files).toEqual([join(folder, 'TwoCubes.glb')]);
  });

  it('split of what segment wrote records the segmentation, as run would; the model itself or an altered copy does not', async () => {
    const folder = join(ws.dir, 'provenance-local');
    await mkdir(folder, { recursive: true });
    const figure = join(folder, 'fused-figure.glb');
    await copyFile(join(FIXTURES, 'generated', 'fused-figure.glb'), figure);
    const segmented = join(folder, 'figure.segmented.glb');
    const seg = await runCli(['segment', figure, '-o', segmented, '--segmenter', 'local']);
    expect(seg.code, seg.stderr).toBe(0);
    const split = await runCli(['split', segmented, '-o', join(ws.dir, 'provenance-local-pack')]);
    expect(split.code, split.stderr).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(ws.dir, 'provenance-local-pack', 'manifest.json'), 'utf8'),
    );
    expect(manifest.source).toMatchObject({
      file: 'figure.segmented.glb',
      segmenter: 'local',
      taskId: null,
      strategy: 'shape',
    });
    expect(manifest.source.reason).toMatch(/cut by its shape/);
    // What is printed is what the manifest says.
    expect(split.stdout).toMatch(/^figure\.segmented\.glb: \d+ parts by shape \(/);
    // And --dry-run says the same, in words and in its JSON's `source`.
    const dry = await runCli(['split', segmented, '-o', join(ws.dir, 'dry'), '--dry-run']);
    expect(dry.stdout).toMatch(/^figure\.segmented\.glb: would write \d+ parts by shape \(/);
    const dryJson = await runCli(['split', segmented, '-o', join(ws.dir, 'dry'), '--dry-run', '--json']);
    expect(JSON.parse(dryJson.stdout).source).toEqual({
      segmenter: 'local',
      taskId: null,
      strategy: 'shape',
      reason: manifest.source.reason,
    });

    // The user's own model in that folder is no segmentation result.
    const own = await runCli(['split', figure, '-o', join(ws.dir, 'provenance-own-pack'), '--json']);
    expect(own.code, own.stderr).toBe(0);
    expect(JSON.parse(own.stdout).manifest.source).toMatchObject({ segmenter: 'none', taskId: null });
    // Nor is a result changed after segment wrote it (same size, other bytes): by nodes, as any file.
    const altered = join(folder, 'altered.glb');
    const bytes = await readFile(segmented);
    bytes[bytes.length - 1] = bytes.at(-1)! ^ 0xff;
    await writeFile(altered, bytes);
    const other = await runCli(['split', altered, '-o', join(ws.dir, 'provenance-altered-pack'), '--json']);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout).manifest.source).toMatchObject({ segmenter: 'none', strategy: 'nodes' });
  });

  it('split of a Tripo result that segment wrote records the segmenter and the paid task', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const to = join(ws.dir, 'provenance-tripo', 'two.segmented.glb');
    const seg = await runCli(['segment', model(), '-o', to, '--json', ...FAST_FLAGS], { env });
    expect(seg.code, seg.stderr).toBe(0);
    const { taskId } = JSON.parse(seg.stdout);
    expect(taskId).toMatch(/\S/);
    const split = await runCli(['split', to, '-o', join(ws.dir, 'provenance-tripo-pack'), '--json']);
    expect(split.code, split.stderr).toBe(0);
    expect(JSON.parse(split.stdout).manifest.source).toMatchObject({
      segmenter: 'tripo',
      taskId,
      strategy: 'nodes',
    });
  });

  it('the same file again costs nothing: the result comes from the cache', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const first = join(ws.dir, 'seg', 'a.glb');
    const second = join(ws.dir, 'seg', 'b.glb');
    expect((await runCli(['segment', model(), '-o', first, ...FAST_FLAGS], { env })).code).toBe(0);
    const again = await runCli(['segment', model(), '-o', second, '--json', ...FAST_FLAGS], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ credits: 0, cached: true, path: second });
    expect(again.stderr).toMatch(/cached: nothing paid/);
    expect(emulator.stats().submissions).toBe(1);
    expect(await readFile(second)).toEqual(await readFile(first));
  });

  it('Ctrl-C while waiting: the same command resumes the paid task', async () => {
    emulator = await startTestEmulator({ durationMs: 4000 });
    const env = cliEnvFor(emulator);
    const to = join(ws.dir, 'seg', 'r.glb');
    const child = spawnCli(['segment', model(), '-o', to, ...FAST_FLAGS], { env });
    const done = collect(child, 30_000);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const until = Date.now() + 20_000;
    while (!stderr.includes('submitted task') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    const cancelled = await done;
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toMatch(/task \S+ is journaled and resumes on the next run/);

    const resumed = await runCli(['segment', model(), '-o', to, '--json', ...FAST_FLAGS], {
      env,
      timeoutMs: 30_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming task/);
    expect(emulator.stats().submissions).toBe(1);
    expect(await meshesIn(to)).toBeGreaterThan(0);
  }, 60_000);

  it('a paid result is never deleted: a write that fails keeps it, and the rerun writes it for nothing', async () => {
    emulator = await startTestEmulator({ durationMs: 2000 });
    const env = cliEnvFor(emulator);
    const to = join(ws.dir, 'seg', 'kept.glb');
    const child = spawnCli(['segment', model(), '-o', to, ...FAST_FLAGS], { env });
    const done = collect(child, 30_000);
    // Once paid, a folder takes the output's place: the final write fails.
    const until = Date.now() + 20_000;
    while (emulator.stats().submissions === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    await mkdir(to);
    const failed = await done;
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(
      /cannot write .*kept\.glb: .*the result is kept in .*\.meshparts\/cache\/.*rerun the same command/,
    );
    await rmdir(to);
    const rerun = await runCli(['segment', model(), '-o', to, ...FAST_FLAGS], { env });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(emulator.stats().submissions).toBe(1);
    expect(await meshesIn(to)).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(!canMountTmpfs())(
    'a read-only place: exit 2 before anything is paid (tmpfs; skipped where mount is impossible)',
    async () => {
      emulator = await startTestEmulator();
      const dir = join(ws.dir, 'ro');
      await mkdir(dir);
      mountTmpfs(dir, '1m', true);
      mounts.push(dir);
      const result = await runCli(['segment', model(), '-o', join(dir, 'x.glb'), ...FAST_FLAGS], {
        env: cliEnvFor(emulator),
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/cannot write to .*ro: .*EROFS.*nothing was submitted/);
      expect(emulator.stats().requests.total).toBe(0);
    },
  );
});
