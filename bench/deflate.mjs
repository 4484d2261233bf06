/**
 * Where a thumbnail's zlib should run (packages/split/src/pack/thumbnails/png-encoder.ts, DeflateOn):
 * the rows of real thumbnails compressed with the pack's settings one at a time on this thread
 * (`inline`), one at a time on libuv's pool, and all at once on the pool (as a fast producer queues
 * them). CPU per thumbnail, user and system, for the whole process.
 *
 *   pnpm build && node packages/cli/dist/bin.js split bench/.work/models/nodes-500.glb -o /tmp/pack
 *   node bench/deflate.mjs /tmp/pack/thumbnails [--rounds N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { deflate, deflateSync } from 'node:zlib';
import { ROOT } from './lib/paths.mjs';

const { decodeImage } = await import(`${ROOT}packages/split/dist/images/index.js`);
// The pack's settings and rows (filter byte 0, then RGBA), from the built package.
const { THUMBNAIL_DEFLATE: OPTIONS, scanlinesOf } = await import(
  `${ROOT}packages/split/dist/pack/thumbnails/png-encoder.js`
);

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) throw new Error('usage: node bench/deflate.mjs <pack>/thumbnails [--rounds N]');
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 3;

const names = readdirSync(dir)
  .filter((name) => name.endsWith('.png'))
  .slice(0, 200);
const rows = [];
for (const name of names) rows.push(scanlinesOf(await decodeImage(readFileSync(`${dir}/${name}`))));
const pooled = (input) =>
  new Promise((resolve, reject) =>
    deflate(input, OPTIONS, (error, out) => (error ? reject(error) : resolve(out))),
  );

const ways = {
  'inline (deflateSync, one at a time)': async () => rows.map((input) => deflateSync(input, OPTIONS)),
  'pool, one at a time': async () => {
    const outs = [];
    for (const input of rows) outs.push(await pooled(input));
    return outs;
  },
  'pool, all queued at once': () => Promise.all(rows.map(pooled)),
};

console.log(
  `${rows.length} thumbnails of ${rows[0]?.length ?? 0} bytes of rows, zlib level ${OPTIONS.level}`,
);
console.log('| way | round | wall per thumbnail | user CPU | system CPU | KiB per PNG |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (let round = 1; round <= rounds; round++) {
  for (const [name, run] of Object.entries(ways)) {
    const started = performance.now();
    const before = cpuUsage();
    const outs = await run();
    const used = cpuUsage(before);
    const per = (value) => (value / rows.length).toFixed(3);
    const bytes = outs.reduce((sum, out) => sum + out.length, 0);
    console.log(
      `| ${name} | ${round} | ${per(performance.now() - started)} ms | ${per(used.user / 1000)} ms | ${per(used.system / 1000)} ms | ${(bytes / rows.length / 1024).toFixed(1)} |`,
    );
  }
}
