/**
 * A split with or without thumbnails, as one whole process: what `splitModel` does (read, plan, name,
 * iteratePackParts → writePack), with each part's thumbnail rendered from the source Document as the
 * part goes by (`thumbnailSceneOf` with the part's nodes, in mesh space) and `thumbnail.png` from
 * the whole model, all PNGs written under `<dir>/thumbnails/` after the pack. This is how the
 * pipeline is meant to call the renderer (pack/thumbnails/README.md), built from public functions so
 * that the cost of thumbnails can be measured before the pipeline is wired.
 *
 * Usage: node split-thumbnails.mjs <in.glb> <dir> [--thumbnails <size>|none] [--workers <n>] [--supersample <n>]
 *   --workers n      render in a pool of n worker threads (createThumbnailPool) instead of the main thread
 *   --supersample n  samples per pixel side (default: the renderer's, 2)
 * Prints a JSON line: parts, thumbnails written, the main thread's time in thumbnail calls, and the
 * process's CPU time (all threads: on a shared machine it moves less than wall time).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, SPLIT_PACK_DIST } from '../lib/paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const [input, dir] = args.filter((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
const thumbnails = option('--thumbnails', 'none');
const size = thumbnails === 'none' ? 0 : Number(thumbnails);
const workers = Number(option('--workers', '0'));
const supersample = option('--supersample', undefined);
const renderOptions = { size, ...(supersample ? { supersample: Number(supersample) } : {}) };

const { readModel, iteratePackParts, nameParts, modelNameOf, writePack } = await import(SPLIT_PACK_DIST);
const { planParts } = await import(`${ROOT}packages/split/dist/plan-parts.js`);
const { sceneBounds } = await import(`${ROOT}packages/split/dist/part-stats.js`);
const { sha256Hex } = await import(`${ROOT}packages/split/dist/hash.js`);

const model = await readModel(input);
const source = { file: model.file, byteLength: model.bytes.byteLength, sha256: sha256Hex(model.bytes) };
const bounds = sceneBounds(model.document);
const plan = await planParts(model.document, {});
const names = nameParts(
  plan.parts.map((part, index) => ({ sourceName: part.sourceName, index, id: part.id })),
  { model: modelNameOf(model.file) },
);

const pending = [];
let renderMs = 0;
let thumbnailPart = () => {};
let wholeModel = async () => null;
let close = async () => {};
if (size > 0) {
  const thumbs = await import(`${ROOT}packages/split/dist/pack/thumbnails/index.js`);
  const { ImageCache } = await import(`${ROOT}packages/split/dist/images/index.js`);
  const images = new ImageCache();
  const cache = new thumbs.ThumbnailCache();
  const pool = workers > 0 ? thumbs.createThumbnailPool({ workers }) : null;
  close = async () => pool?.close();
  const render = (scene) =>
    pool
      ? pool.render(scene, renderOptions)
      : Promise.resolve(thumbs.renderThumbnail(scene, { ...renderOptions, cache }));
  const toPng = async (options) => {
    const started = performance.now();
    const scene = await thumbs.thumbnailSceneOf(model.document, { images, ...options });
    const rendering = render(scene);
    renderMs += performance.now() - started;
    return thumbs.encodeThumbnail(await rendering);
  };
  thumbnailPart = (i) => {
    const part = plan.parts[i];
    const options = {
      nodes: [part.nodes[0]],
      space: 'mesh',
      ...(part.primitive ? { primitives: [part.primitive] } : {}),
    };
    pending.push(toPng(options).then((png) => [`${names[i]}.png`, png]));
  };
  wholeModel = () => toPng({});
}

/** The parts as writePack takes them, each part's thumbnail started as it goes by. */
async function* parts() {
  let i = 0;
  for await (const part of iteratePackParts(model.document, plan, { names })) {
    thumbnailPart(i++);
    yield part;
  }
}

const manifest = await writePack(dir, parts(), {
  source: { ...source, segmenter: 'none', taskId: null, strategy: plan.strategy, reason: plan.reason },
  bounds,
});
let written = 0;
if (size > 0) {
  const whole = await wholeModel();
  await mkdir(join(dir, 'thumbnails'), { recursive: true });
  await writeFile(join(dir, 'thumbnail.png'), whole);
  written = 1;
  const files = await Promise.all(pending);
  await Promise.all(files.map(([file, png]) => writeFile(join(dir, 'thumbnails', file), png)));
  written += files.length;
}
await close();
const { user, system } = process.cpuUsage();
const report = {
  parts: manifest.parts.length,
  thumbnails: written,
  mainThreadRenderMs: Math.round(renderMs),
  cpuMs: Math.round((user + system) / 1000),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
