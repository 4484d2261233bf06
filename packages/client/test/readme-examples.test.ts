/**
 * The README's examples, run as written against the emulator: each ```ts block is written to a module
 * file next to this test (so it resolves '@meshparts/client' like a user's code would), with the
 * environment pointing at the emulator and the working directory holding `models/robot.glb`.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { API_KEY, makeGlb, sha256, startFastEmulator, tempDir } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Whether a process is still running (a concurrent test run's folder must be left alone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function readmeBlocks(): Promise<string[]> {
  const readme = await readFile(join(here, '..', 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('README examples', () => {
  it('has examples, and each runs as written', async () => {
    const blocks = await readmeBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    await using dir = await tempDir();
    // Each example's client keeps the real budget (3 requests per minute, polls 20 s apart); tasks that
    // finish at once let it complete within its first poll, which for a task it submitted comes one
    // fair share of the budget (20 s) after the submission (poll-schedule.ts), hence the longer timeout.
    // (The emulator's budget is per key, shared by the examples' separate clients, so it is lifted here.)
    await using emulator = await startFastEmulator({ balance: 1000, durationMs: 0 });
    const glb = makeGlb(256);
    await mkdir(join(dir.path, 'models'));
    await writeFile(join(dir.path, 'models', 'robot.glb'), glb);
    // Left over by a run that was killed mid-test: stale modules would otherwise linger in the tree.
    for (const name of await readdir(here)) {
      const pid = /^\.readme-(\d+)$/.exec(name)?.[1];
      if (pid !== undefined && !isAlive(Number(pid)))
        await rm(join(here, name), { recursive: true, force: true });
    }
    const moduleDir = join(here, `.readme-${process.pid}`);
    await mkdir(moduleDir, { recursive: true });
    const cwd = process.cwd();
    vi.stubEnv('THREEDAISTUDIO_API_KEY', API_KEY);
    vi.stubEnv('THREEDAISTUDIO_BASE_URL', emulator.url);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      process.chdir(dir.path);
      for (const [i, block] of blocks.entries()) {
        const file = join(moduleDir, `example-${i}.ts`);
        await writeFile(file, block);
        await import(pathToFileURL(file).href);
        const out = await readFile(join(dir.path, 'out', 'robot.segmented.glb'));
        expect(sha256(out), `example ${i}`).toBe(sha256(glb));
        await rm(join(dir.path, 'out'), { recursive: true });
      }
    } finally {
      process.chdir(cwd);
      log.mockRestore();
      vi.unstubAllEnvs();
      await rm(moduleDir, { recursive: true, force: true });
    }
    expect(emulator.stats().submissions).toBe(blocks.length);
    // One submission and one poll per example: the first poll found the task finished.
    expect(emulator.stats().requests.status).toBe(blocks.length);
  }, 120_000);
});
