/**
 * How much the pack writer's staging and per-file commit cost (issue 10 §3: the pack folder is the
 * user's too), against the previous writer, which renamed one temporary folder over the whole pack.
 * Each job is a fresh `node` process that writes N parts of B bytes (already encoded: the direct
 * encoder's output, so only the writer is measured) into a new folder, then replaces that pack with
 * N other parts (fsynced: the default when replacing). Medians of alternated rounds.
 *
 *   pnpm build
 *   node bench/pack-write.mjs [--parts 500] [--bytes 20000] [--rounds 5] [--old <dist/pack.js of the previous writer>]
 *
 * `--old` is optional: build the previous @meshparts/split (e.g. `git archive main packages/split
 * tsconfig.base.json` into a folder, link node_modules, `tsc -b`) and pass its dist/pack.js.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    parts: { type: 'string', default: '500' },
    bytes: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    old: { type: 'string' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // One measured process: new pack, then a replacement; prints the two times in ms.
  const { writePack } = await import(values.child);
  const parts = Number(values.parts);
  const bytes = Number(values.bytes);
  const dir = mkdtempSync(join(tmpdir(), 'meshparts-bench-pack-'));
  const make = (tag) =>
    Array.from({ length: parts }, (_, i) => ({
      id: `n${i}`,
      name: `part_${i}`,
      sourceName: `part_${i}`,
      parent: null,
      pivot: 'original',
      placements: [{ node: `n${i}`, nodeIndex: i, matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }],
      bytes: new Uint8Array(bytes).fill(tag + (i % 7)),
      vertices: 0,
      triangles: 0,
      materials: 0,
      textures: 0,
      bounds: { min: [0, 0, 0], max: [1, 1, 1] },
    }));
  const options = {
    source: { file: 'm.glb', byteLength: 1, sha256: 'a'.repeat(64), strategy: 'nodes', reason: 'bench' },
    bounds: { min: [0, 0, 0], max: [1, 1, 1] },
  };
  const pack = join(dir, 'pack');
  let start = performance.now();
  await writePack(pack, make(1), options);
  const fresh = performance.now() - start;
  start = performance.now();
  await writePack(pack, make(2), options);
  const replace = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ fresh, replace }));
} else {
  const here = fileURLToPath(import.meta.url);
  const jobs = [['current', pathToFileURL(join(here, '../../packages/split/dist/pack.js')).href]];
  if (values.old) jobs.push(['previous', pathToFileURL(values.old).href]);
  const rounds = Number(values.rounds);
  const results = Object.fromEntries(jobs.map(([name]) => [name, { fresh: [], replace: [] }]));
  const run = (entry) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [here, '--child', entry, '--parts', values.parts, '--bytes', values.bytes],
        {
          encoding: 'utf8',
        },
      ),
    );
  for (const [, entry] of jobs) run(entry); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, entry] of round % 2 ? [...jobs].reverse() : jobs) {
      const { fresh, replace } = run(entry);
      results[name].fresh.push(fresh);
      results[name].replace.push(replace);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const range = (list) => `${Math.min(...list).toFixed(0)}–${Math.max(...list).toFixed(0)}`;
  console.log(
    `${values.parts} parts × ${values.bytes} bytes, ${rounds} rounds, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}\n`,
  );
  console.log('| writer | new folder, ms (median, range) | replace a pack (fsync), ms (median, range) |');
  console.log('| --- | --- | --- |');
  for (const [name] of jobs) {
    const r = results[name];
    console.log(
      `| ${name} | ${median(r.fresh).toFixed(0)} (${range(r.fresh)}) | ${median(r.replace).toFixed(0)} (${range(r.replace)}) |`,
    );
  }
}
