/**
 * Thumbnails (issue 16): the software renderer's speed, and what thumbnails add to a split.
 *
 *   pnpm build && node bench/thumbnails.mjs [--rounds N] [--only per-part|parts-500|split-500]
 *
 * 1. per-part: in-process, the median of many renders (after a warm-up) of generated closed meshes
 *    ("bumpy spheres": like a part, half their triangles face away) of 1k, 10k and 100k triangles at
 *    128², 256² and 512², with the default 2×2 supersampling and without; a textured case (a 1024²
 *    atlas); and the PNG encoding of each image apart. Target: ≤ 30 ms per 10k-triangle part at 256².
 *    Wall time and this thread's CPU time (the machine is shared: CPU time moves less with load).
 * 2. parts-500: 500 parts of nodes-500 (3,528-triangle grids) rendered and encoded to PNG, one after
 *    the other on the main thread vs on a pool of 2 worker threads (createThumbnailPool), in-process.
 * 3. split-500: whole processes, alternated: the 500-part split without thumbnails, with thumbnails
 *    rendered on the main thread, and with the pool (bench/children/split-thumbnails.mjs). Target:
 *    with thumbnails at most 2× the split without.
 *
 * Prints Markdown (the section for BENCHMARKS.md) with the machine, the load and the command.
 */
import { mkdir, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { gridArrays } from './generate/grid.mjs';
import { generate, modelPath } from './generate/index.mjs';
import { alternate, median, summarize } from './lib/measure.mjs';
import { CHILDREN, OUT, ROOT } from './lib/paths.mjs';
import { markdownTable, mib, ms, ratio } from './lib/table.mjs';

const THUMBNAILS_DIST = `${ROOT}packages/split/dist/pack/thumbnails/index.js`;

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 5) || 5;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const log = (line) => process.stderr.write(`${line}\n`);

const thumbs = await import(THUMBNAILS_DIST);

/**
 * A closed "bumpy sphere" of about `triangles` triangles: rings × segments quads, the radius waved
 * so that the lighting varies, with normals and UVs (u around, v from the top).
 */
function bumpySphere(triangles) {
  const segments = Math.max(3, Math.round(Math.sqrt(triangles) * 1.0));
  const rings = Math.max(2, Math.round(triangles / 2 / segments));
  const count = (rings + 1) * (segments + 1);
  const positions = new Float32Array(count * 3);
  const normals = new Float32Array(count * 3);
  const uvs = new Float32Array(count * 2);
  for (let r = 0; r <= rings; r++) {
    for (let s = 0; s <= segments; s++) {
      const v = r * (segments + 1) + s;
      const theta = (r / rings) * Math.PI;
      const phi = (s / segments) * 2 * Math.PI;
      const bump = 1 + 0.06 * Math.sin(7 * theta) * Math.cos(5 * phi);
      const x = Math.sin(theta) * Math.cos(phi);
      const y = Math.cos(theta);
      const z = -Math.sin(theta) * Math.sin(phi);
      positions.set([x * bump, y * bump, z * bump], v * 3);
      normals.set([x, y, z], v * 3);
      uvs.set([s / segments, r / rings], v * 2);
    }
  }
  const indices = new Uint32Array(rings * segments * 6);
  for (let r = 0, k = 0; r < rings; r++) {
    for (let s = 0; s < segments; s++, k += 6) {
      const a = r * (segments + 1) + s;
      const b = a + segments + 1;
      indices.set([a, b, a + 1, a + 1, b, b + 1], k);
    }
  }
  return { positions, normals, uvs, indices };
}

/** A 1024² atlas-like texture: coloured 64-texel checks with a gradient, sRGB bytes. */
function atlas() {
  const size = 1024;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const check = ((x >> 6) + (y >> 6)) & 1;
      data.set([check ? 200 : 60, (x * 255) / size, check ? 90 : 220, 255], (y * size + x) * 4);
    }
  }
  return { width: size, height: size, data };
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Median wall and CPU ms of `run` over `n` calls after `warm` untimed calls. */
async function time(run, n, warm = Math.min(10, n)) {
  for (let i = 0; i < warm; i++) await run();
  const walls = [];
  const cpu0 = cpuMs();
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run();
    walls.push(performance.now() - started);
  }
  return { wall: median(walls), cpu: (cpuMs() - cpu0) / n };
}

async function perPart() {
  const texture = { image: atlas() };
  const cache = new thumbs.ThumbnailCache();
  const rows = [];
  const cases = [];
  for (const triangles of [1000, 10000, 100000])
    for (const size of [128, 256, 512]) cases.push({ triangles, size, textured: false });
  for (const size of [128, 256, 512]) cases.push({ triangles: 10000, size, textured: true });
  for (const { triangles, size, textured } of cases) {
    const mesh = bumpySphere(triangles);
    const scene = { meshes: [textured ? { ...mesh, texture } : { ...mesh, uvs: null }] };
    const n = triangles >= 100000 ? 15 : 40;
    const ss2 = await time(() => thumbs.renderThumbnail(scene, { size, cache }), n);
    const ss1 = await time(() => thumbs.renderThumbnail(scene, { size, supersample: 1, cache }), n);
    const image = thumbs.renderThumbnail(scene, { size, cache });
    const png = await time(() => thumbs.encodeThumbnail(image), 20, 5);
    const bytes = (await thumbs.encodeThumbnail(image)).byteLength;
    log(`  ${triangles} tris ${size}² ${textured ? 'textured' : ''}: ${ss2.wall.toFixed(2)} ms`);
    rows.push([
      (mesh.indices.length / 3).toLocaleString('en'),
      `${size}²`,
      textured ? 'yes' : 'no',
      `${ss2.wall.toFixed(2)} ms (${ss2.cpu.toFixed(2)})`,
      `${ss1.wall.toFixed(2)} ms (${ss1.cpu.toFixed(2)})`,
      `${png.wall.toFixed(2)} ms (${png.cpu.toFixed(2)})`,
      `${(ss2.wall + png.wall).toFixed(2)} ms`,
      `${(bytes / 1024).toFixed(1)} KiB`,
    ]);
  }
  return markdownTable(
    [
      'triangles',
      'image',
      'textured',
      'render, 2×2 samples (default): wall (CPU)',
      'render, 1 sample',
      'PNG encode (another thread)',
      'render + encode',
      'PNG size',
    ],
    rows,
  );
}

/** Scenes of the 500 parts of nodes-500: each part's grid, as the model holds it. */
function gridScenes() {
  return Array.from({ length: 500 }, (_, p) => {
    const { position, normal, indices } = gridArrays(43, 43, p);
    return {
      meshes: [{ positions: position, normals: normal, indices, baseColorFactor: [0.4, 0.6, 0.8, 1] }],
    };
  });
}

async function parts500() {
  const scenes = gridScenes();
  const rows = [];
  const serial = async () => {
    const cache = new thumbs.ThumbnailCache();
    const pngs = [];
    for (const scene of scenes) pngs.push(thumbs.encodeThumbnail(thumbs.renderThumbnail(scene, { cache })));
    await Promise.all(pngs);
  };
  const pooled = (workers) => async () => {
    const pool = thumbs.createThumbnailPool({ workers });
    await Promise.all(
      scenes.map((scene) => pool.render(scene).then((image) => thumbs.encodeThumbnail(image))),
    );
    await pool.close();
  };
  const jobs = { 'main thread': serial, 'pool of 2 workers': pooled(2) };
  const samples = Object.fromEntries(Object.keys(jobs).map((name) => [name, []]));
  for (const run of Object.values(jobs)) await run();
  for (let round = 0; round < rounds; round++) {
    for (const name of Object.keys(jobs)) {
      const cpu0 = cpuMs();
      const started = performance.now();
      await jobs[name]();
      samples[name].push({ wall: performance.now() - started, cpu: cpuMs() - cpu0 });
    }
    log(
      `  parts-500 round ${round + 1}: ${Object.entries(samples)
        .map(([n, s]) => `${n} ${s.at(-1).wall.toFixed(0)} ms`)
        .join(', ')}`,
    );
  }
  const base = median(samples['main thread'].map((s) => s.wall));
  for (const [name, list] of Object.entries(samples)) {
    const wall = median(list.map((s) => s.wall));
    rows.push([
      name,
      ms(wall),
      `${ms(Math.min(...list.map((s) => s.wall)))}–${ms(Math.max(...list.map((s) => s.wall)))}`,
      ms(median(list.map((s) => s.cpu))),
      ratio(wall / base),
    ]);
  }
  return markdownTable(
    ['500 parts, render + PNG', 'median wall', 'range', 'process CPU (all threads)', 'wall / main thread'],
    rows,
  );
}

async function split500() {
  await generate(['nodes-500'], { log });
  await mkdir(OUT, { recursive: true });
  const input = modelPath('nodes-500');
  const job = (name, extra) => {
    const dir = `${OUT}thumbs-${name.replace(/\W+/g, '-')}`;
    return {
      name,
      args: [`${CHILDREN}split-thumbnails.mjs`, input, dir, ...extra],
      before: () => rm(dir, { recursive: true, force: true }),
    };
  };
  const jobs = [
    job('split, --thumbnails none', ['--thumbnails', 'none']),
    job('split + thumbnails (main thread)', ['--thumbnails', '256']),
    job('split + thumbnails (pool of 2 workers)', ['--thumbnails', '256', '--workers', '2']),
    job('split + thumbnails, 1 sample (main thread)', ['--thumbnails', '256', '--supersample', '1']),
    job('split + thumbnails, 1 sample (pool of 2 workers)', [
      '--thumbnails',
      '256',
      '--supersample',
      '1',
      '--workers',
      '2',
    ]),
  ];
  const samples = await alternate(jobs, { rounds, log });
  for (const j of jobs) await j.before();
  const summaries = jobs.map((j) => summarize(j.name, samples.get(j.name)));
  const cpu = jobs.map((j) => median(samples.get(j.name).map((sample) => JSON.parse(sample.stdout).cpuMs)));
  const base = summaries[0].wallMs;
  return markdownTable(
    [
      'nodes-500 (500 parts, 51 MB)',
      'median wall',
      'range',
      'time / none',
      'median CPU (all threads)',
      'CPU / none',
      'median peak RSS',
      'load avg',
    ],
    summaries.map((s, i) => [
      s.name,
      ms(s.wallMs),
      `${ms(s.minWallMs)}–${ms(s.maxWallMs)}`,
      i === 0 ? '' : ratio(s.wallMs / base),
      ms(cpu[i]),
      i === 0 ? '' : ratio(cpu[i] / cpu[0]),
      mib(s.maxRssMiB),
      s.load1.toFixed(2),
    ]),
  );
}

const sections = [];
const started = loadavg()[0];
if (!only || only === 'per-part') sections.push(['Per part (in-process, median)', await perPart()]);
if (!only || only === 'parts-500') sections.push(['500 parts: main thread or worker pool', await parts500()]);
if (!only || only === 'split-500')
  sections.push(['500-part split with and without thumbnails', await split500()]);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const load = `load average ${started.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`;
const command = `node bench/thumbnails.mjs --rounds ${rounds}${only ? ` --only ${only}` : ''}`;
process.stdout.write(
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; ${load}; command: \`${command}\`.\n\n` +
    sections.map(([title, table]) => `#### ${title}\n\n${table}\n`).join('\n'),
);
