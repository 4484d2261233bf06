/**
 * The file-system floor of a split into many parts, as one whole process: create `count` new files
 * holding `totalBytes` between them in one folder, the way writePack does (open 'wx', write, close;
 * 8 in flight; no fsync) and nothing else — no glTF at all. Target 3 compares the split's extra time
 * per part with this floor's time per file.
 * Usage: node write-files.mjs <dir> <count> <totalBytes>
 */
import { mkdir, open } from 'node:fs/promises';

const [dir, countArg, totalArg] = process.argv.slice(2);
const count = Number(countArg);
const bytes = new Uint8Array(Math.round(Number(totalArg) / count)).fill(1);
await mkdir(dir, { recursive: true });
const inFlight = new Set();
for (let i = 0; i < count; i++) {
  const job = (async () => {
    const handle = await open(`${dir}/part_${i}.glb`, 'wx');
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
  })();
  inFlight.add(job);
  job.then(() => inFlight.delete(job));
  if (inFlight.size >= 8) await Promise.race(inFlight);
}
await Promise.all(inFlight);
