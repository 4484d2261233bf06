/**
 * Target 4: eight models through `meshparts run --rpm 60 --concurrency 8` (the built CLI, a whole
 * process) against the emulator started here with 2-second tasks, under every shape of rate limit a
 * server that allows 60 requests per minute may use: a sliding window of 60 s, 5 s or 1 s (60, 5 or 1
 * requests), a fixed 5-second window, and a token bucket (5 tokens, one more per second); then three of
 * them again announcing their budget in rate-limit headers (the evidence that lets the client burst).
 * Requests and 429s are counted by the emulator (`stats()`), not by the client.
 *
 * The floor: what the budget allows plus the segmentation time. The run needs one balance read (before
 * its first submission, issue 10) + 8 submissions + 8 status polls = 17 API requests, at one per second
 * (60 per minute, evenly) 17 s, and the last task submitted still has to be segmented (2 s) before its
 * poll can find it done: 19 s. Targets, per shape: at most one 429 in every round, 2.0 task requests
 * (submission and polls) per model, wall at most 1.3 × the floor.
 *
 * `BENCH_REQUESTS_SHAPES=sliding-5s,bucket` runs only the shapes with those ids.
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
const TASK_MS = 2000;
const KEY = 'sk-bench-meshparts-0123456789';
/** One balance read per run, before the first submission. */
const RUN_REQUESTS = 1;
export const FLOOR_MS = ((2 * MODELS + RUN_REQUESTS) / (RPM / 60)) * 1000 + TASK_MS;

/** The server shapes, each allowing 60 requests per minute on average. */
const SHAPES = [
  { id: 'sliding-60s', server: '60 per 60 s, sliding window', rateLimit: sliding(60, 60) },
  { id: 'sliding-5s', server: '5 per 5 s, sliding window', rateLimit: sliding(5, 5) },
  {
    id: 'fixed-5s',
    server: '5 per 5 s, fixed window',
    rateLimit: { kind: 'fixed', limit: 5, windowMs: 5_000 },
  },
  { id: 'sliding-1s', server: '1 per 1 s, sliding window', rateLimit: sliding(1, 1) },
  { id: 'bucket', server: 'token bucket: 5, refilled 1 per second', rateLimit: bucket(5, 1) },
  {
    id: 'sliding-60s-x',
    server: '60 per 60 s, sliding window',
    rateLimit: sliding(60, 60),
    headers: 'x-ratelimit',
  },
  { id: 'sliding-5s-ietf', server: '5 per 5 s, sliding window', rateLimit: sliding(5, 5), headers: 'ietf' },
  {
    id: 'bucket-x',
    server: 'token bucket: 5, refilled 1 per second',
    rateLimit: bucket(5, 1),
    headers: 'x-ratelimit',
  },
];

function sliding(limit, seconds) {
  return { kind: 'sliding', limit, windowMs: seconds * 1000 };
}

function bucket(capacity, refillPerSecond) {
  return { kind: 'tokenBucket', capacity, refillPerSecond };
}

function selectedShapes() {
  const wanted = process.env.BENCH_REQUESTS_SHAPES?.split(',').map((id) => id.trim());
  if (!wanted) return SHAPES;
  const shapes = SHAPES.filter((shape) => wanted.includes(shape.id));
  if (shapes.length === 0)
    throw new Error(`BENCH_REQUESTS_SHAPES: no shape among ${SHAPES.map((s) => s.id)}`);
  return shapes;
}

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

/** One `meshparts run` against a fresh emulator with the shape's rate limit. */
async function runOnce(startEmulator, inputs, shape) {
  const emulator = await startEmulator({
    apiKey: KEY,
    balance: 100_000,
    durationMs: TASK_MS,
    rateLimit: shape.rateLimit,
    rateLimitHeaders: shape.headers ?? 'none',
  });
  const out = `${OUT}requests-out/`;
  try {
    const sample = await measureOnce({
      name: `run (${shape.id})`,
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
      // Exit 1 is "some models failed" (here: 429s after the retries): a result to report, not a crash.
      exitCodes: [0, 1],
      before: () => rm(out, { recursive: true, force: true }),
    });
    const stats = emulator.stats();
    return {
      // Models without a finished task: their submission was refused (429s after the retries).
      failed: MODELS - stats.tasks.FINISHED,
      wallMs: sample.wallMs,
      requests: stats.requests.total,
      submits: stats.requests.submit,
      polls: stats.requests.status,
      wallet: stats.requests.wallet,
      rateLimited: stats.rateLimited,
      load1: sample.load1,
    };
  } finally {
    await emulator.close();
    await rm(out, { recursive: true, force: true });
  }
}

export async function benchRequests({ rounds, log }) {
  const { startEmulator } = await import(TESTING_DIST);
  const inputs = `${OUT}requests-models/`;
  await writeModels(inputs);
  const shapes = selectedShapes();
  const results = new Map(shapes.map((shape) => [shape.id, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round, as the other benchmarks do, so no shape always runs first.
    const order = shapes.map((_, i) => shapes[(i + round) % shapes.length]);
    for (const shape of order) {
      const result = await runOnce(startEmulator, inputs, shape);
      results.get(shape.id).push(result);
      log(`  round ${round + 1}/${rounds} ${shape.id}: ${JSON.stringify(result)}`);
    }
  }
  let allMet = true;
  const rows = shapes.map((shape) => {
    const runs = results.get(shape.id);
    const walls = runs.map((r) => r.wallMs);
    const wall = median(walls);
    // Task requests per model; the run's own balance read is shown apart.
    const perModel = median(runs.map((r) => r.submits + r.polls)) / MODELS;
    const worst429 = Math.max(...runs.map((r) => r.rateLimited));
    const failed = runs.reduce((sum, r) => sum + r.failed, 0);
    const met = failed === 0 && worst429 <= 1 && perModel <= 2 && wall <= 1.3 * FLOOR_MS;
    allMet &&= met;
    return [
      shape.server,
      shape.headers ?? 'none',
      runs.map((r) => r.rateLimited).join(', '),
      `${perModel.toFixed(2)} (${runs.map((r) => `${r.submits}+${r.polls}, +${r.wallet}`).join('; ')})`,
      `${(wall / 1000).toFixed(1)} s (${(Math.min(...walls) / 1000).toFixed(1)}–${(Math.max(...walls) / 1000).toFixed(1)})`,
      ratio(wall / FLOOR_MS),
      failed === 0 ? '0' : `**${runs.map((r) => r.failed).join(', ')}**`,
      met ? 'met' : '**not met**',
    ];
  });
  const markdown = [
    markdownTable(
      [
        'server (60 requests per minute on average)',
        'rate-limit headers',
        '429s per round',
        'task requests per model (submit+status, +balance per round)',
        'wall: median (range)',
        `wall / ${FLOOR_MS / 1000} s floor`,
        'models failed per round',
        'target',
      ],
      rows,
    ),
    '',
    `${rounds} round(s) per shape, ${shapes.length} shapes, orders rotated. Targets per shape: at most one 429 in every round, 2.0 task requests per model (median), wall ≤ 1.3 × ${FLOOR_MS / 1000} s: **${allMet ? 'met for every shape' : 'not met for every shape'}**. Load average at the end: ${loadavg()[0].toFixed(2)}.`,
  ].join('\n');
  return { results: Object.fromEntries(results), markdown };
}
