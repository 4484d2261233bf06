/**
 * Not a target: two costs of this machine that shaped the byte-level split (issue 17 §1), measured
 * in one process. Usage: `node bench/machine.mjs [--rounds N]` (default 3; outputs under bench/.work/out).
 *
 * 1. Memory touched for the first time: 50 MB written in 25 kB buffers that are allocated anew (as a
 *    split that allocates every part's arrays does), the same again once that memory has been used,
 *    and one 50 MB buffer allocated and filled (as a file read whole into a new buffer).
 * 2. Reading nodes-500.glb (51 MB; `pnpm bench:generate` makes it) whole into a new buffer, and the
 *    sha256 of it twice: the first pass over freshly read memory, then again.
 * 3. Creating 500 files of 100 kB: fs/promises (open, write, close: three trips through libuv's
 *    thread pool each) against the same calls made synchronously (pack/durable-files.ts).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { modelPath } from './generate/index.mjs';
import { OUT } from './lib/paths.mjs';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 3) || 3;

function allocations() {
  const keep = [];
  const pass = () => {
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const buffer = new Uint8Array(25_000);
      buffer.fill(1);
      keep.push(buffer);
      if (keep.length > 4) keep.shift();
    }
    return performance.now() - started;
  };
  const first = pass();
  const again = pass();
  const started = performance.now();
  new Uint8Array(50e6).fill(1);
  return { first, again, whole: performance.now() - started };
}

async function files(dir, sync) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const bytes = new Uint8Array(100_000).fill(7);
  const started = performance.now();
  for (let i = 0; i < 500; i++) {
    const path = `${dir}/part-${i}.glb`;
    if (sync) {
      const fd = openSync(path, 'wx');
      writeSync(fd, bytes);
      closeSync(fd);
    } else {
      const handle = await open(path, 'wx');
      await handle.write(bytes);
      await handle.close();
    }
  }
  const elapsed = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  return elapsed;
}

const memory = allocations();
const lines = [
  `| 50 MB in new 25 kB buffers, first time | ${memory.first.toFixed(0)} ms |`,
  `| the same, memory used before | ${memory.again.toFixed(0)} ms |`,
  `| one new 50 MB buffer, filled | ${memory.whole.toFixed(0)} ms |`,
];
const model = modelPath('nodes-500');
if (existsSync(model)) {
  let started = performance.now();
  const bytes = readFileSync(model);
  const read = performance.now() - started;
  const hashes = [];
  for (let i = 0; i < 2; i++) {
    started = performance.now();
    createHash('sha256').update(bytes).digest('hex');
    hashes.push(performance.now() - started);
  }
  lines.push(
    `| nodes-500.glb read whole (51 MB) | ${read.toFixed(0)} ms |`,
    `| its sha256: first pass / second | ${hashes[0].toFixed(0)} ms / ${hashes[1].toFixed(0)} ms |`,
  );
}
const dir = `${OUT}machine-files`;
for (let round = 1; round <= rounds; round++) {
  const promised = await files(dir, false);
  const sync = await files(dir, true);
  lines.push(
    `| 500 files of 100 kB, round ${round}: fs/promises / synchronous | ${promised.toFixed(0)} ms / ${sync.toFixed(0)} ms |`,
  );
}
process.stdout.write(
  `| measurement | time |\n| --- | --- |\n${lines.join('\n')}\n\nMeasured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}; command: \`node bench/machine.mjs --rounds ${rounds}\`.\n`,
);
