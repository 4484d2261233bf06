/**
 * The file-system floor of a split into many parts, as one whole process: create `count` new files
 * holding `totalBytes` between them in one folder, the way writePack does (durable-files.ts: open
 * 'wx', write, close, synchronously for files up to 1 MiB, through fs/promises above that; no fsync)
 * and nothing else — no glTF at all. With `--read <input>` it first reads the input whole, as a
 * split must, and writes slices of its bytes. Target 3 compares the split's extra time per part with
 * this floor's time per file; targets 1-2 show it beside the split (what no split can go below).
 * Usage: node write-files.mjs <dir> <count> <totalBytes> [--read <input>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';

const [dir, countArg, totalArg, flag, input] = process.argv.slice(2);
const count = Number(countArg);
const size = Math.round(Number(totalArg) / count);
const source = flag === '--read' ? readFileSync(input) : null;
const filled = source ? null : new Uint8Array(size).fill(1);
const bytesOf = (i) =>
  filled ??
  source.subarray(Math.min(i * size, source.length - size), Math.min(i * size, source.length - size) + size);
await mkdir(dir, { recursive: true });
for (let i = 0; i < count; i++) {
  const path = `${dir}/part_${i}.glb`;
  if (size <= 1 << 20) {
    writeFileSync(path, bytesOf(i), { flag: 'wx' });
    continue;
  }
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytesOf(i));
  } finally {
    await handle.close();
  }
}
