import { copyFile, mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { readModel } from '../packages/split/src/index.js';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
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
