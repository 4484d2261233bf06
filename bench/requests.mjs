/**
 * Target 4: eight models through `meshparts run --rpm 60 --concurrency 8` (the built CLI, a whole
 * process) against the emulator started here with 3-second tasks and 60 requests per minute.
 * Requests and 429s are counted by the emulator (`stats()`), not by the client.
 *
 * The floor the request budget sets: 8 submissions + 8 status polls = 16 API requests at one per
 * second is 16 s; the 3-second tasks run inside that time (the last submission goes out at ~7 s and
 * its task is done by ~10 s), so the floor is 16 s and the target is at most 1.3 × 16 = 20.8 s.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { buildNodeGrids } from './generate/node-grids.mjs';
import { importCore } from './lib/deps.mjs';
import { measureOnce, median } from './lib/measure.mjs';
import { CLI_BIN, OUT, TESTING_DIST } from './lib/paths.mjs';
import { markdownTable, ratio } from './lib/table.mjs';

const MODELS = 8;
const RPM = 60;
const TASK_MS = 3000;
const KEY = 'sk-bench-meshparts-0123456789';
export const FLOOR_MS = ((2 * MODELS) / (RPM / 60)) * 1000;

/** Eight small, distinct models (2 to 9 parts), so no cache or dedupe can merge them. */
async function writeModels(dir) {
  const core = await importCore();
  const io = new core.NodeIO();
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < MODELS; i++) {
    const bytes = await io.writeBinary(buildNodeGrids(core, { parts: i + 2, w: 8, h: 8, materials: 2 }));
    await writeFile(`${dir}model-${i}.glb`, bytes);
  }
}

export async function benchRequests({ rounds, log }) {
  const { startEmulator } = await import(TESTING_DIST);
  const inputs = `${OUT}requests-models/`;
  await writeModels(inputs);
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const emulator = await startEmulator({
      apiKey: KEY,
      balance: 100_000,
      durationMs: TASK_MS,
      requestsPerMinute: RPM,
    });
    const out = `${OUT}requests-out/`;
    try {
      const sample = await measureOnce({
        name: 'run',
        args: [
          CLI_BIN,
          'run',
          inputs,
          '-o',
          out,
          '--rpm',
          String(RPM),
          '--concurrency',
          String(MODELS),
          '--segmenter',
          'tripo',
        ],
        env: { THREEDAISTUDIO_API_KEY: KEY, THREEDAISTUDIO_BASE_URL: emulator.url },
        before: () => rm(out, { recursive: true, force: true }),
      });
      const stats = emulator.stats();
      const result = {
        wallMs: sample.wallMs,
        requests: stats.requests.total,
        submits: stats.requests.submit,
        polls: stats.requests.status,
        rateLimited: stats.rateLimited,
        finished: stats.tasks.FINISHED,
        load1: sample.load1,
      };
      results.push(result);
      log(`  round ${round + 1}/${rounds}: ${JSON.stringify(result)}`);
    } finally {
      await emulator.close();
      await rm(out, { recursive: true, force: true });
    }
  }
  const perModel = median(results.map((r) => r.requests)) / MODELS;
  const wall = median(results.map((r) => r.wallMs));
  const worst429 = Math.max(...results.map((r) => r.rateLimited));
  const met = perModel <= 2.5 && worst429 <= 1 && wall <= 1.3 * FLOOR_MS;
  const rows = results.map((r, i) => [
    String(i + 1),
    `${(r.wallMs / 1000).toFixed(1)} s`,
    String(r.requests),
    `${r.submits} / ${r.polls}`,
    (r.requests / MODELS).toFixed(2),
    String(r.rateLimited),
    ratio(r.wallMs / FLOOR_MS),
    r.load1.toFixed(2),
  ]);
  const markdown = [
    markdownTable(
      [
        'round',
        'wall',
        'API requests',
        'submit / status',
        'requests per model',
        '429s',
        'wall / 16 s floor',
        'load avg',
      ],
      rows,
    ),
    '',
    `Median: ${perModel.toFixed(2)} requests per model (target ≤ 2.5), at most ${worst429} × 429 (target ≤ 1), wall ${(wall / 1000).toFixed(1)} s = ${ratio(wall / FLOOR_MS)} the floor (target ≤ 1.30x): **${met ? 'met' : 'not met'}**. Load average at the end: ${loadavg()[0].toFixed(2)}.`,
  ].join('\n');
  return { results, markdown };
}
