/**
 * The gallery's cost, measured (not a test): what writeGallery adds to a pack in bytes and time, with
 * and without decoders, what writeRunGallery takes, and how long a pack's page takes to draw the
 * whole model in headless Chromium on SwiftShader (software WebGL, what CI and GPU-less machines
 * have).
 * Usage (after `pnpm build`): node bench/gallery.mjs [--rounds 5]   (prints the Markdown section)
 */
import { spawn } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CLI_BIN, OUT, ROOT, SPLIT_DIST } from './lib/paths.mjs';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const MODELS = join(ROOT, '..', 'shared', 'models');
const { splitModel } = await import(SPLIT_DIST);
const { writeGallery, writeRunGallery } = await import(`${ROOT}packages/split/dist/pack/gallery/index.js`);
const work = join(OUT, 'gallery');
const threeVersion = JSON.parse(
  await readFile(`${ROOT}packages/split/node_modules/three/package.json`, 'utf8'),
).version;
await rm(work, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const range = (values) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;

async function bytesOf(dir, files) {
  let total = 0;
  for (const file of files) total += (await stat(join(dir, file))).size;
  return total;
}

/** writeGallery on a fresh copy of the pack each round (the pack writer calls it on a new folder). */
async function measureWrite(model, options, label) {
  const times = [];
  let files = [];
  let bytes = 0;
  for (let round = 0; round < rounds; round++) {
    const dir = join(work, 'write', `${label}-${round}`);
    const { manifest } = await splitModel(join(MODELS, model), dir);
    const started = performance.now();
    files = await writeGallery(dir, manifest, options);
    times.push(performance.now() - started);
    bytes = await bytesOf(dir, files);
  }
  return `| ${label} | ${files.length} | ${(bytes / 1e6).toFixed(2)} MB | ${median(times).toFixed(1)} ms (${range(times)}) |`;
}

const writeRows = [
  await measureWrite('TwoCubes.glb', {}, 'plain parts (TwoCubes): no decoder'),
  await measureWrite('Box_Draco.glb', {}, 'Draco parts (Box_Draco): + Draco'),
  await measureWrite('BoxMeshopt.glb', {}, 'meshopt parts (BoxMeshopt): + meshopt'),
  await measureWrite('TwoCubes.glb', { decoders: 'all' }, "`decoders: 'all'`"),
];

// Pack pages, served by `meshparts view`, loaded in one Chromium: time from navigation to the whole
// model drawn (<body data-state="ready">), each page loaded `rounds` times after one warm-up load.
const PAGE_MODELS = ['Box_Draco.glb', 'CesiumMilkTruck.glb', 'RecursiveSkeletons.glb', 'ToyCar/ToyCar.gltf'];
const run = join(work, 'run');
const packs = [];
for (const model of PAGE_MODELS) {
  const slug = model
    .split('/')
    .pop()
    .replace(/\.(glb|gltf)$/, '');
  const { manifest } = await splitModel(join(MODELS, model), join(run, slug));
  await writeGallery(join(run, slug), manifest);
  packs.push({ model, pack: slug, manifest: `${slug}/manifest.json`, parts: manifest.parts.length });
}
await writeFile(join(run, 'catalog.json'), JSON.stringify({ catalogVersion: 1, generator: 'bench', packs }));
const runTimes = [];
for (let round = 0; round < rounds; round++) {
  const started = performance.now();
  await writeRunGallery(run, { packs });
  runTimes.push(performance.now() - started);
}

const server = spawn(process.execPath, [CLI_BIN, 'view', run, '--quiet'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) =>
  server.stdout.once('data', (chunk) => resolve(String(chunk).trim())),
);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const pageRows = [];
for (const { model, pack, parts } of packs) {
  const times = [];
  for (let round = -1; round < rounds; round++) {
    const started = performance.now();
    await page.goto(new URL(`${encodeURIComponent(pack)}/index.html`, url).href);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, {
      timeout: 120_000,
      polling: 20,
    });
    if (round >= 0) times.push(performance.now() - started);
  }
  pageRows.push(
    `| ${model} | ${parts} | ${(median(times) / 1000).toFixed(2)} s (${(Math.min(...times) / 1000).toFixed(2)}–${(Math.max(...times) / 1000).toFixed(2)}) |`,
  );
}
await browser.close();
server.kill('SIGTERM');
// The packs hold copies of three.js: removed, so that `pnpm lint` (biome over the tree) never meets them.
await rm(work, { recursive: true, force: true });

const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
console.log(`## Gallery

\`node bench/gallery.mjs --rounds ${rounds}\` on ${when} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg()
  .map((n) => n.toFixed(2))
  .join(' ')}; medians with the range.

What \`writeGallery\` adds to one pack (three.js is copied whole: ${threeVersion} ships no minified ES build):

| pack | files | bytes | time |
| --- | --- | --- | --- |
${writeRows.join('\n')}

\`writeRunGallery\` (index.html and gallery/: 6 files, no three.js): ${median(runTimes).toFixed(1)} ms (${range(runTimes)}).

A pack's page in headless Chromium on SwiftShader (software WebGL, no environment map: see the gallery README), from navigation to the whole model drawn, 1280×800:

| model | parts | time to drawn |
| --- | --- | --- |
${pageRows.join('\n')}
`);
