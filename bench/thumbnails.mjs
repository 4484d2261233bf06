/**
 * Thumbnails (issue 16): the software renderer's speed, and what thumbnails add to a split.
 *
 *   pnpm build && node bench/thumbnails.mjs [--rounds N] [--only per-part|pipeline-500|split-500]
 *
 * 1. per-part: in-process, the median of many renders (after a warm-up) of generated closed meshes
 *    ("bumpy spheres": like a part, half their triangles face away) of 1k, 10k and 100k triangles at
 *    128², 256² and 512², with the default 2×2 samples and without; a textured case (a 1024² atlas);
 *    and the PNG encoding of each image apart. Target: ≤ 30 ms per 10k-triangle part at 256².
 *    Wall time and this thread's CPU time (the machine is shared: CPU time moves less with load).
 * 2. pipeline-500: the pipeline's thumbnail job on nodes-500 (500 parts of 3,528-triangle grids and
 *    the whole model), in-process, as pack/pack-previews.ts runs it: main-thread time per thumbnail,
 *    wall for all of them, process CPU.
 * 3. split-500: whole processes, alternated: `meshparts split nodes-500.glb -o <dir>` with
 *    `--thumbnails none`, with the default thumbnails drawn on the main thread, and with one
 *    thumbnail worker sharing the drawing (MESHPARTS_THUMBNAIL_WORKERS=0 / 1: the default picks by
 *    the load, see pack-previews.ts). Target: at most 2× the split without.
 *
 * Prints Markdown (the section for BENCHMARKS.md) with the machine, the load and the command.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { generate, modelPath } from './generate/index.mjs';
import { alternate, median, summarize } from './lib/measure.mjs';
import { CLI_BIN, OUT, ROOT, SPLIT_PACK_DIST } from './lib/paths.mjs';
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

/**
 * CPU time of the main thread alone (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms), or
 * null elsewhere. Under load, wall time around a call also counts the time the thread waited for a core.
 */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
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

/**
 * The pipeline's thumbnail job on nodes-500, in-process: each part's scene from the source Document
 * (thumbnailSceneOf with the part's first node, as pack/pack-previews.ts asks for it), drawn and resolved
 * on the main thread, compressed on libuv's threads (renderThumbnailScenePng), then the whole model's
 * (with a pool: the parts there, the whole model here, compressed inline as pack-previews.ts does).
 * Main-thread time is what the call takes before it returns its promise (scene, drawing, resolve,
 * zlib set-up); wall is until the 501 PNGs are done; CPU is the process's, all threads.
 */
async function pipeline500() {
  await generate(['nodes-500'], { log });
  const { readModel, planParts } = await import(SPLIT_PACK_DIST);
  const { ImageCache } = await import(`${ROOT}packages/split/dist/images/index.js`);
  const model = await readModel(modelPath('nodes-500'));
  const plan = await planParts(model.document, {});
  /** One pack's thumbnails: drawn on this thread (workers 0) or on a pool (pool.renderPng). */
  const run = async (workers) => {
    const images = new ImageCache();
    const cache = new thumbs.ThumbnailCache();
    const pool = workers > 0 ? thumbs.createThumbnailPool({ workers }) : null;
    const pngs = [];
    let main = 0;
    // The two halves of `main` apart: the scene from the Document, and the drawing (draw, resolve,
    // zlib set-up: what the renderer costs this thread).
    let sceneMain = 0;
    let drawMain = 0;
    const mainCpu0 = mainThreadCpuMs();
    const cpu0 = cpuMs();
    const started = performance.now();
    for (const part of [...plan.parts, null]) {
      const t0 = performance.now();
      const what = part
        ? { nodes: [part.nodes[0]], ...(part.primitive ? { primitives: [part.primitive] } : {}) }
        : {};
      const scene = await thumbs.thumbnailSceneOf(model.document, { images, ...what });
      const t1 = performance.now();
      sceneMain += t1 - t0;
      pngs.push(
        pool && part
          ? pool.renderPng(scene, { size: 256 })
          : // With a pool, this thread compresses what it draws inline, as pack-previews.ts does.
            thumbs.renderThumbnailScenePng(scene, { size: 256, cache, deflateOn: pool ? 'inline' : 'pool' }),
      );
      const t2 = performance.now();
      drawMain += t2 - t1;
      main += t2 - t0;
    }
    const mainCpu = mainCpu0 === null ? null : mainThreadCpuMs() - mainCpu0;
    const bytes = (await Promise.all(pngs)).reduce((sum, png) => sum + png.byteLength, 0);
    const result = {
      main,
      sceneMain,
      drawMain,
      mainCpu,
      wall: performance.now() - started,
      cpu: cpuMs() - cpu0,
      bytes,
      count: pngs.length,
    };
    await pool?.close();
    return result;
  };
  const variants = { 'this thread': 0, 'pool of 1 worker': 1 };
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (const workers of Object.values(variants)) await run(workers);
  for (let round = 0; round < rounds; round++) {
    for (const [name, workers] of Object.entries(variants)) {
      const s = await run(workers);
      samples[name].push(s);
      log(
        `  pipeline-500 round ${round + 1} ${name}: main ${s.main.toFixed(0)} ms (CPU ${s.mainCpu}), wall ${s.wall.toFixed(0)} ms, CPU ${s.cpu.toFixed(0)} ms`,
      );
    }
  }
  const names = Object.keys(variants);
  const count = samples[names[0]][0].count;
  /** Median (range) of `key` per variant, divided by `per`. */
  const cell = (name, key, per, unit) => {
    const values = samples[name].map((s) => s[key] / per);
    if (values.some((v) => !Number.isFinite(v))) return 'n/a';
    const digits = per === 1 ? 0 : 2;
    return `${median(values).toFixed(digits)} ${unit} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
  };
  return markdownTable(
    ['501 thumbnails of nodes-500 (3,528-triangle parts), 256², 2×2 samples: median (range)', ...names],
    [
      [
        'main-thread CPU per thumbnail (scene, draw, resolve, zlib set-up)',
        ...names.map((n) => cell(n, 'mainCpu', count, 'ms')),
      ],
      [
        'main-thread wall per thumbnail (the same, waits for a core included)',
        ...names.map((n) => cell(n, 'main', count, 'ms')),
      ],
      [
        '… of which the scene from the Document (thumbnailSceneOf)',
        ...names.map((n) => cell(n, 'sceneMain', count, 'ms')),
      ],
      [
        '… of which the drawing: draw, resolve, zlib set-up (renderThumbnailScenePng until it returns; the pool: sending)',
        ...names.map((n) => cell(n, 'drawMain', count, 'ms')),
      ],
      ['wall for all 501, until every PNG is written', ...names.map((n) => cell(n, 'wall', 1, 'ms'))],
      ['process CPU for all 501 (all threads)', ...names.map((n) => cell(n, 'cpu', 1, 'ms'))],
      [
        'PNG bytes per thumbnail',
        ...names.map((n) => `${(median(samples[n].map((s) => s.bytes)) / count / 1024).toFixed(1)} KiB`),
      ],
    ],
  );
}

/** Prints the process's CPU time (all threads) as a last stdout line, from a preloaded module. */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => { const u = process.resourceUsage(); " +
    "process.stdout.write('\\n' + JSON.stringify({ cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) }) + '\\n'); });",
)}`;

/** Whole processes, alternated: `meshparts split nodes-500.glb -o <dir>` with and without thumbnails. */
async function split500() {
  await generate(['nodes-500'], { log });
  await mkdir(OUT, { recursive: true });
  const input = modelPath('nodes-500');
  const job = (name, extra, workers) => {
    const dir = `${OUT}thumbs-${name.replace(/\W+/g, '-')}`;
    return {
      name,
      args: ['--import', REPORT_CPU, CLI_BIN, 'split', input, '-o', dir, ...extra],
      // The thumbnail worker forced on or off (pack-previews.ts, defaultThumbnailWorkers), so that
      // both are measured whatever the load when the run starts.
      env: { MESHPARTS_THUMBNAIL_WORKERS: String(workers) },
      before: () => rm(dir, { recursive: true, force: true }),
    };
  };
  const jobs = [
    job('meshparts split --thumbnails none', ['--thumbnails', 'none'], 0),
    job('meshparts split (thumbnails 256, the default), drawn on the main thread', [], 0),
    job('… the same, with one thumbnail worker sharing the drawing', [], 1),
  ];
  const samples = await alternate(jobs, { rounds, log });
  for (const j of jobs) await j.before();
  const cpuOf = (sample) => JSON.parse(sample.stdout.trim().split('\n').at(-1)).cpuMs;
  const summaries = jobs.map((j) => summarize(j.name, samples.get(j.name)));
  const cpu = jobs.map((j) => median(samples.get(j.name).map(cpuOf)));
  // Per round, the ratio of the runs next to each other: less exposed to the load's swings.
  const pairsOf = (j) =>
    samples.get(jobs[j].name).map((s, i) => s.wallMs / samples.get(jobs[0].name)[i].wallMs);
  const base = summaries[0].wallMs;
  const table = markdownTable(
    [
      'nodes-500 (500 parts, 51 MB)',
      'median wall',
      'range',
      'time / none',
      'median CPU (all threads)',
      'CPU / none',
      'median peak RSS',
      'load avg (1 min)',
    ],
    summaries.map((s, i) => [
      s.name,
      ms(s.wallMs),
      `${ms(s.minWallMs)}–${ms(s.maxWallMs)}`,
      i === 0 ? '' : ratio(s.wallMs / base),
      ms(cpu[i]),
      i === 0 ? '' : ratio(cpu[i] / cpu[0]),
      mib(s.maxRssMiB),
      `${Math.min(...samples.get(s.name).map((x) => x.load1)).toFixed(1)}–${Math.max(...samples.get(s.name).map((x) => x.load1)).toFixed(1)}`,
    ]),
  );
  const pairs = (j) =>
    pairsOf(j)
      .map((r) => r.toFixed(2))
      .join(', ');
  return `${table}\n\nWall ratio per round (thumbnails / none, runs of the same round): main thread ${pairs(1)}; with a worker ${pairs(2)}.\n`;
}

const sections = [];
const started = loadavg()[0];
if (!only || only === 'per-part') sections.push(['Per part (in-process, median)', await perPart()]);
if (!only || only === 'pipeline-500')
  sections.push(["The pipeline's 501 thumbnails of nodes-500, in-process", await pipeline500()]);
if (!only || only === 'split-500')
  sections.push(['500-part split with and without thumbnails', await split500()]);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const load = `load average ${started.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`;
const command = `node bench/thumbnails.mjs --rounds ${rounds}${only ? ` --only ${only}` : ''}`;
process.stdout.write(
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; ${load}; command: \`${command}\`.\n\n` +
    sections.map(([title, table]) => `#### ${title}\n\n${table}\n`).join('\n'),
);
