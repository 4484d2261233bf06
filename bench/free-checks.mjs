/**
 * What the free checks before paying cost (issue 10): every model planned for a Tripo submission is
 * read once when the run is planned (format, size, preflight, a mesh) and once more right before its
 * upload (a .gltf is packed into one GLB then). This times both steps, in this process, per model of
 * `../shared/models` (and `fixtures/`), next to the time to hash the file, which every run pays anyway.
 * Not wired into `run.mjs`: it measures a cost to report, not a target.
 *
 *   pnpm build && node bench/free-checks.mjs [--rounds N]
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './lib/measure.mjs';
import { ROOT } from './lib/paths.mjs';
import { markdownTable } from './lib/table.mjs';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const { refusalBeforePaying, uploadSourceOf } = await import(
  `${ROOT}packages/cli/dist/pipeline/upload-check.js`
);
const LIMIT = 150 * 1024 * 1024;

async function models() {
  const shared = join(ROOT, '..', 'shared', 'models');
  const found = [];
  for (const dir of [shared, join(ROOT, 'fixtures')]) {
    let names = [];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (/\.(glb|gltf)$/i.test(name)) found.push(join(dir, name));
      else if (!name.includes('.')) {
        // A model folder (a .gltf with its resources).
        for (const inner of (await readdir(join(dir, name)).catch(() => [])).sort()) {
          if (/\.gltf$/i.test(inner)) found.push(join(dir, name, inner));
        }
      }
    }
  }
  return found;
}

async function time(fn) {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const rows = [];
let totals = { hash: 0, plan: 0, upload: 0, bytes: 0 };
for (const file of await models()) {
  const samples = { hash: [], plan: [], upload: [] };
  let refusal;
  let packed = false;
  for (let round = 0; round < rounds; round++) {
    samples.hash.push(
      (
        await time(async () =>
          createHash('sha256')
            .update(await readFile(file))
            .digest('hex'),
        )
      ).ms,
    );
    const plan = await time(() => refusalBeforePaying(file, {}, LIMIT));
    samples.plan.push(plan.ms);
    refusal = plan.value;
    if (refusal === undefined) {
      const upload = await time(() => uploadSourceOf(file, {}, LIMIT));
      samples.upload.push(upload.ms);
      packed = 'bytes' in upload.value;
    }
  }
  const size = (await stat(file)).size;
  const m = {
    hash: median(samples.hash),
    plan: median(samples.plan),
    upload: samples.upload.length ? median(samples.upload) : 0,
  };
  totals = {
    hash: totals.hash + m.hash,
    plan: totals.plan + m.plan,
    upload: totals.upload + m.upload,
    bytes: totals.bytes + size,
  };
  rows.push([
    file.slice(join(ROOT, '..').length + 1),
    `${(size / 1024).toFixed(0)} KiB`,
    m.hash.toFixed(1),
    m.plan.toFixed(1),
    refusal === undefined ? `${m.upload.toFixed(1)}${packed ? ' (packed)' : ''}` : '-',
    refusal === undefined ? 'pass' : `refused: ${refusal.replace(file, '…').slice(0, 60)}`,
  ]);
}
console.log(
  markdownTable(['model', 'size', 'sha256 ms', 'check at plan ms', 'read before upload ms', 'verdict'], rows),
);
console.log(
  `\n${rows.length} models, ${(totals.bytes / 1024 / 1024).toFixed(1)} MiB: hashing ${totals.hash.toFixed(0)} ms, checks at plan ${totals.plan.toFixed(0)} ms, reads before upload ${totals.upload.toFixed(0)} ms (medians of ${rounds} rounds, one process, warm cache). Load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}; Node ${process.version}.`,
);
