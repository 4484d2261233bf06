/**
 * Target 5: a 150 MB upload and a 150 MB download each raise the client process's peak memory by
 * less than 64 MB, in every round. The emulator runs in this process (it streams uploads to disk), so
 * its memory is not counted; each transfer runs in its own child, which reports its RSS just before
 * the transfer and the peak reached during it (see children/transfer.mjs for how and why).
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { measureOnce, median } from './lib/measure.mjs';
import { CHILDREN, CLIENT_DIST, OUT, TESTING_DIST } from './lib/paths.mjs';
import { markdownTable, mib } from './lib/table.mjs';

const SIZE = 150_000_000;
const KEY = 'sk-bench-meshparts-0123456789';
const LIMIT_MIB = 64e6 / 2 ** 20;

/** A valid GLB of exactly `size` bytes (one zero-filled buffer), written without holding it in memory. */
async function writeBigGlb(path, size) {
  const json = (binLength) =>
    JSON.stringify({ asset: { version: '2.0' }, buffers: [{ byteLength: binLength }] });
  let jsonBytes = Buffer.from(json(0));
  let binLength = 0;
  for (let i = 0; i < 3; i++) {
    const padded = Math.ceil(jsonBytes.length / 4) * 4;
    binLength = size - 12 - 8 - padded - 8;
    jsonBytes = Buffer.from(json(binLength));
  }
  const jsonPadded = Buffer.alloc(Math.ceil(jsonBytes.length / 4) * 4, 0x20);
  jsonBytes.copy(jsonPadded);
  binLength = size - 12 - 8 - jsonPadded.length - 8;
  const header = Buffer.alloc(20);
  header.writeUInt32LE(0x46546c67, 0);
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(size, 8);
  header.writeUInt32LE(jsonPadded.length, 12);
  header.writeUInt32LE(0x4e4f534a, 16);
  const binHeader = Buffer.alloc(8);
  binHeader.writeUInt32LE(binLength, 0);
  binHeader.writeUInt32LE(0x004e4942, 4);
  const file = await open(path, 'w');
  try {
    await file.write(Buffer.concat([header, jsonPadded, binHeader]));
    const chunk = Buffer.alloc(1 << 20);
    for (let left = binLength; left > 0; left -= chunk.length)
      await file.write(chunk, 0, Math.min(chunk.length, left));
  } finally {
    await file.close();
  }
}

export async function benchStream({ rounds, log }) {
  const { startEmulator } = await import(TESTING_DIST);
  const { StudioClient } = await import(CLIENT_DIST);
  const model = `${OUT}stream-150mb.glb`;
  await mkdir(OUT, { recursive: true });
  await writeBigGlb(model, SIZE);
  const emulator = await startEmulator({
    apiKey: KEY,
    balance: 1e9,
    durationMs: 10,
    requestsPerMinute: Infinity,
  });
  const env = { BENCH_API_KEY: KEY, BENCH_BASE_URL: emulator.url };
  const results = { upload: [], download: [] };
  try {
    // One finished task whose result (the upload itself) the download children fetch.
    const setup = new StudioClient({ apiKey: KEY, baseUrl: emulator.url, requestsPerMinute: 10_000 });
    const { taskId } = await setup.segmentation.create({ model });
    const task = await setup.tasks.wait(taskId);
    await setup.close();
    const url = task.results[0].url;
    const target = `${OUT}stream-download.glb`;
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['upload', 'download']) {
        const args = mode === 'upload' ? [model] : [url, target];
        const sample = await measureOnce({
          name: mode,
          args: [`${CHILDREN}transfer.mjs`, mode, ...args],
          env,
          before: () => rm(target, { force: true }),
        });
        const report = JSON.parse(sample.stdout);
        const deltaMiB = (report.afterKiB - report.beforeKiB) / 1024;
        results[mode].push({
          deltaMiB,
          method: report.method,
          // GNU time's peak covers only what followed the child's reset of the mark; add what came before.
          peakMiB: Math.max(sample.maxRssKiB, report.peakBeforeKiB) / 1024,
          transferMs: report.transferMs,
          wallMs: sample.wallMs,
          load1: sample.load1,
        });
        log(
          `  round ${round + 1}/${rounds} ${mode}: +${deltaMiB.toFixed(1)} MiB (${report.method}; process peak ${(Math.max(sample.maxRssKiB, report.peakBeforeKiB) / 1024).toFixed(0)} MiB), transfer ${report.transferMs.toFixed(0)} ms, process ${sample.wallMs.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await emulator.close();
    await rm(model, { force: true });
    await rm(`${OUT}stream-download.glb`, { force: true });
  }
  const rows = ['upload', 'download'].map((mode) => {
    const list = results[mode];
    const delta = median(list.map((r) => r.deltaMiB));
    const worst = Math.max(...list.map((r) => r.deltaMiB));
    const methods = [...new Set(list.map((r) => r.method))].join(', ');
    return [
      `${mode} 150 MB`,
      `+${delta.toFixed(1)} MiB`,
      `+${worst.toFixed(1)} MiB`,
      `${list.length} (${methods})`,
      mib(median(list.map((r) => r.peakMiB))),
      `${Math.round(median(list.map((r) => r.transferMs)))} ms`,
      `${Math.round(median(list.map((r) => r.wallMs)))} ms`,
      median(list.map((r) => r.load1)).toFixed(2),
      // The target is a bound on every transfer, so the worst round decides, not the median.
      worst < LIMIT_MIB ? 'met' : 'not met',
    ];
  });
  return {
    results,
    markdown: markdownTable(
      [
        'transfer',
        'median peak-RSS rise',
        'worst rise',
        'rounds (window)',
        'process peak RSS',
        'median transfer time',
        'median wall (process)',
        'load avg',
        'target: every round < 64 MB (61 MiB)',
      ],
      rows,
    ),
  };
}
