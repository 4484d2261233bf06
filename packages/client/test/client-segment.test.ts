import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import validator from 'gltf-validator';
import { describe, expect, it } from 'vitest';
import { type Task, TaskFailedError } from '../src/index.js';
import {
  API_KEY,
  clientFor,
  makeGlb,
  recordingLogger,
  sha256,
  startFastEmulator,
  tempDir,
} from './helpers.js';

describe('segment() over real HTTP', () => {
  it('uploads a GLB from disk, reports the task id before waiting, and writes a valid result', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator();
    const logger = recordingLogger();
    await using client = clientFor(emulator, { logger });
    const glb = makeGlb(1000);
    const input = join(dir.path, 'robot.glb');
    await writeFile(input, glb);
    const events: string[] = [];
    const progress: Task[] = [];
    const result = await client.segment(input, {
      to: join(dir.path, 'out', 'robot.segmented.glb'),
      onSubmitted: async (taskId) => {
        // Paid, and not one status poll yet: the caller can journal the id first.
        events.push(`submitted ${taskId} polls=${emulator.stats().requests.status}`);
      },
      onProgress: (task) => progress.push(task),
    });
    expect(events).toEqual([`submitted ${result.taskId} polls=0`]);
    expect(progress.at(-1)?.status).toBe('FINISHED');
    const written = await readFile(result.path);
    expect(result.byteLength).toBe(glb.length);
    expect(result.sha256).toBe(sha256(glb));
    expect(sha256(written)).toBe(sha256(glb));
    const report = await validator.validateBytes(new Uint8Array(written), { maxIssues: 100 });
    expect(report.issues.numErrors).toBe(0);
    const stats = emulator.stats();
    expect(stats.submissionsByHash).toEqual({ [sha256(glb)]: 1 });
    expect(stats.storageAuthHeaders).toBe(0);
    expect(stats.storageRequests).toBe(1);
    expect(await client.wallet.balance()).toBe(70);
    expect(logger.lines.join('\n')).not.toContain(API_KEY);
    expect(logger.lines.join('\n')).not.toMatch(/authorization|bearer/i);
  });

  it('accepts bytes, Blobs, web and Node streams, and a model URL', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator({ balance: 1000 });
    await using client = clientFor(emulator);
    const glbs = [1, 2, 3, 4].map((n) => makeGlb(n * 8));
    const inputs = [
      { model: glbs[0]! },
      { model: new Blob([glbs[1]!]) },
      { model: new Blob([glbs[2]!]).stream() },
      { model: Readable.from([glbs[3]!.subarray(0, 10), glbs[3]!.subarray(10)]), filename: 'chunked.glb' },
    ];
    const results = [];
    for (const [i, input] of inputs.entries()) {
      results.push(await client.segment(input, { to: join(dir.path, `r${i}.glb`) }));
    }
    for (const [i, result] of results.entries()) {
      expect(sha256(await readFile(result.path))).toBe(sha256(glbs[i]!));
    }
    // The provider fetches the model itself: point it at a result already on (loopback) storage.
    const first = await client.tasks.retrieve(results[0]!.taskId);
    const byUrl = await client.segment(
      { modelUrl: first.results[0]!.url },
      { to: join(dir.path, 'url.glb') },
    );
    expect(sha256(await readFile(byUrl.path))).toBe(sha256(glbs[0]!));
    const stats = emulator.stats();
    expect(stats.submissions).toBe(5);
    expect(stats.submissionsByHash[sha256(glbs[0]!)]).toBe(2);
    expect(stats.storageAuthHeaders).toBe(0);
  });

  it('a FAILED task raises TaskFailedError with the reason, the task id and the refund note', async () => {
    await using dir = await tempDir();
    await using emulator = await startFastEmulator({
      faults: [{ kind: 'fail', reason: 'mesh has no faces' }],
    });
    await using client = clientFor(emulator);
    let submitted: string | undefined;
    const error = await client
      .segment(makeGlb(), {
        to: join(dir.path, 'x.glb'),
        onSubmitted: (id) => {
          submitted = id;
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    const failed = error as TaskFailedError;
    expect(failed.taskId).toBe(submitted);
    expect(failed.reason).toBe('mesh has no faces');
    expect(failed.message).toMatch(/refunds the credits/);
    expect(emulator.stats().balance).toBe(150);
  });

  it('keeps the segmented result the injected segmenter computed', async () => {
    await using dir = await tempDir();
    const segmented = makeGlb(64);
    await using emulator = await startFastEmulator({ segment: () => segmented });
    await using client = clientFor(emulator);
    const result = await client.segment(makeGlb(), { to: join(dir.path, 'seg.glb') });
    expect(result.sha256).toBe(sha256(segmented));
    expect(result.task.results[0]?.type).toBe('3D_MODEL');
  });
});
