import { cp, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator, FaultRule } from '../packages/client/src/testing/index.js';
import { ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { tempLeftovers } from './helpers/leftovers.js';
import { expectValidPack } from './helpers/packs.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

/**
 * GitHub issue 6, "Faults": one `meshparts run` of many models (the built CLI) against the emulator
 * while it injects every fault it knows, at the API and at storage. Whatever the faults, no model is
 * paid for twice, every model ends as a complete pack or one clear per-model error, the exit code says
 * that some failed, and no temporary or half-written file remains; a rerun pays for nothing new.
 */

/** Ten distinct real models (distinct content: each is its own paid submission). */
const INPUTS = [
  'TwoCubes.glb',
  'BoxAnimated.glb',
  'SimpleInstancing.glb',
  'trimesh_nested.glb',
  'generated/shared-mesh.glb',
  'generated/nested-mirrored.glb',
  'generated/primitives.glb',
  'generated/components.glb',
  'labels/feature-id.glb',
  'labels/components-specks.glb',
];

const STATUS = { path: '/v1/generation-request/' };
const SUBMIT = { method: 'POST' };

/**
 * The submissions are faulted in list order (each request fires at most one rule): the first POST is
 * rate-limited (and retried: a 429 proves nothing was created), the next three lose their answer in
 * three different ways (a reset mid-upload, a proxy's 502 page, a task created and then the connection
 * dropped), one task fails upstream (refunded), one finishes with results that already expired.
 */
const FAULTS: FaultRule[] = [
  { kind: 'rateLimit', match: SUBMIT, retryAfter: 'seconds', retryAfterSeconds: 1 },
  { kind: 'reset', match: SUBMIT },
  { kind: 'html', match: SUBMIT, status: 502 },
  // The fate of created tasks is decided per kind: `after` spreads them over three different tasks.
  { kind: 'acceptThenDrop' },
  { kind: 'fail', reason: 'segmentation exploded', after: 1 },
  { kind: 'expire', after: 2 },
  // Status polls: resets, proxy pages, every Retry-After form, a 503 with Retry-After, empty results.
  { kind: 'reset', match: STATUS, times: 2 },
  { kind: 'html', match: STATUS, status: 500 },
  { kind: 'html', match: STATUS, status: 504 },
  { kind: 'rateLimit', match: STATUS, retryAfter: 'http-date', retryAfterSeconds: 1 },
  { kind: 'rateLimit', match: STATUS, retryAfter: 'none' },
  { kind: 'rateLimit', match: STATUS, retryAfter: 'seconds', retryAfterSeconds: 1 },
  { kind: 'status', match: STATUS, status: 503, retryAfter: 'seconds', retryAfterSeconds: 1 },
  { kind: 'emptyResults', times: 2 },
  // Storage: a reset, a body cut with its Content-Length, a chunked body cut cleanly and abruptly.
  { kind: 'reset', match: { origin: 'storage' } },
  { kind: 'truncate' },
  { kind: 'truncateNoLength' },
  { kind: 'truncateNoLength', abrupt: true, fraction: 0.3 },
];

interface RunJson {
  ok: boolean;
  spentCredits: number;
  results: {
    file: string;
    sha256: string;
    slug: string;
    outcome: string;
    action: string;
    packDir: string | null;
    taskId: string | null;
    credits: number;
    error: { code: string; message: string; taskId?: string } | null;
  }[];
}

let work: { dir: string; remove: () => Promise<void> };
let emulator: Emulator | undefined;
beforeAll(async () => {
  work = await tempDir('faults');
  await ensureBuilt();
}, 180_000);
afterAll(async () => {
  await emulator?.close();
  await work?.remove();
});

describe('meshparts run under every fault the emulator injects', () => {
  it('pays once per model, ends each model packed or with one clear error, exits 1, leaves no temp file', async () => {
    const inputs = join(work.dir, 'models');
    const out = join(work.dir, 'out');
    await mkdir(inputs, { recursive: true });
    for (const name of INPUTS) await cp(join(FIXTURES, name), join(inputs, basename(name)));
    emulator = await startTestEmulator({ durationMs: 400, faults: FAULTS });
    const env = cliEnvFor(emulator);
    const args = ['run', inputs, '-o', out, '--json', '--concurrency', '3', ...FAST_FLAGS];

    const first = await runCli(args, { env, timeoutMs: 150_000 });
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).not.toMatch(/^\s{4}at /m);
    const run = JSON.parse(first.stdout) as RunJson;
    expect(run.ok).toBe(false);
    expect(run.results).toHaveLength(INPUTS.length);

    // Every fault rule fired: the run really went through all of them.
    expect(emulator.pendingFaults()).toEqual([]);

    // No model was paid for twice.
    const stats = emulator.stats();
    for (const [hash, count] of Object.entries(stats.submissionsByHash)) expect(count, hash).toBe(1);

    // Each model: a complete, valid pack, or one clear error with a stable code.
    const codes: string[] = [];
    for (const result of run.results) {
      if (result.outcome === 'packed') {
        expect(result.error).toBeNull();
        await expectValidPack(result.packDir!);
        continue;
      }
      expect(result.outcome, JSON.stringify(result)).toBe('failed');
      expect(result.error?.message).toBeTruthy();
      expect(result.error!.message).not.toContain('\n');
      codes.push(result.error!.code);
    }
    expect(codes.sort()).toEqual([
      'result-expired',
      'segment',
      'submission-unknown',
      'submission-unknown',
      'submission-unknown',
    ]);
    expect(run.results.filter((r) => r.outcome === 'packed')).toHaveLength(INPUTS.length - 5);
    // The failed (refunded) task and the expired one keep their task id in the report.
    for (const result of run.results.filter((r) =>
      ['segment', 'result-expired'].includes(r.error?.code ?? ''),
    )) {
      expect(result.taskId).toMatch(/\S/);
    }

    // Nothing half-written: no temp files, no pack folder for a failed model.
    expect(await tempLeftovers(out)).toEqual([]);
    for (const result of run.results.filter((r) => r.outcome === 'failed')) {
      await expect(readFile(join(out, result.slug, 'manifest.json'))).rejects.toThrow();
    }

    // The journal is whole and knows every paid task the client heard of.
    const journal = parseJournal(await readFile(journalPath(out), 'utf8'));
    for (const result of run.results.filter((r) => r.taskId)) {
      expect(journal.some((e) => e.taskId === result.taskId && e.state === 'submitted')).toBe(true);
    }

    // A rerun pays for nothing already paid: packs are skipped, unknown and expired submissions stay
    // blocked; only the refunded (failed) task may be submitted again.
    const submissionsBefore = emulator.stats().submissions;
    const second = await runCli(args, { env, timeoutMs: 150_000 });
    const rerun = JSON.parse(second.stdout) as RunJson;
    const resubmitted = rerun.results.filter((r) => r.action === 'submit');
    expect(resubmitted.map((r) => r.sha256)).toEqual(
      run.results.filter((r) => r.error?.code === 'segment').map((r) => r.sha256),
    );
    expect(emulator.stats().submissions).toBe(submissionsBefore + resubmitted.length);
    for (const r of rerun.results.filter((r) => r.action !== 'submit')) expect(r.credits).toBe(0);
    expect(await tempLeftovers(out)).toEqual([]);
  }, 300_000);
});
