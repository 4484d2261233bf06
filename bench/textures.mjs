/**
 * Texture benchmark (issue 15), measured on what users run: `splitModel` (the pack entry,
 * packages/split/dist/pack.js) with `textures: 'crop' | 'shared' | 'embed'`, thumbnails and gallery
 * off. The sword is first segmented as `meshparts run --segmenter local` does (segmentFileLocally of
 * packages/cli, into a GLB, which is then split).
 *
 * 1. Pack bytes / source bytes in each mode: pack bytes = every file the manifest lists (parts +
 *    files[]), source bytes = the input file(s) (a .gltf with its .bin and images). Every part file
 *    is validated (a shared part with its ../textures/ images resolved).
 * 2. What cropping costs per 2048² image: whole processes (children/split-textures.mjs), crop and
 *    embed alternated, several rounds; CPU time of the whole process (user + system, all threads),
 *    crop minus embed, with the load average.
 * 3. JPEG crops: PSNR against the source texels; whole re-encodes of every JPEG of the shared models.
 * 4. Layout choices and the packer comparison (potpack vs maxrects-packer) behind parts/textures.
 *
 * Usage (after `pnpm build`): node bench/textures.mjs [--rounds N]   (prints Markdown sections)
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import validator from 'gltf-validator';
import { buildTexturedAtlas } from './generate/textured-atlas.mjs';
import { importCore } from './lib/deps.mjs';
import { measureOnce, median } from './lib/measure.mjs';
import { MODELS, OUT, ROOT, SPLIT_DIST, SPLIT_PACK_DIST } from './lib/paths.mjs';

const SHARED_MODELS = join(ROOT, '..', 'shared', 'models');
const SWORD = join(ROOT, 'fixtures', 'PartCrafter_sword.glb');
const TEXTURES_DIST = `${ROOT}packages/split/dist/parts/textures/index.js`;
const IMAGES_DIST = `${ROOT}packages/split/dist/images/index.js`;
const SPLIT_API_DIST = `${ROOT}packages/cli/dist/pipeline/split-api.js`;
const CHILD = join(ROOT, 'bench', 'children', 'split-textures.mjs');
const PACKS = join(OUT, 'textures');
const fromSplit = createRequire(new URL('../packages/split/package.json', import.meta.url));
const sharp = fromSplit('sharp');
// maxrects-packer 2.7.4 names a UMD file as `main` of a `"type": "module"` package, so neither
// require() nor import() of the bare name yields its exports; its ESM build is imported by path.
const { MaxRectsPacker } = await import(
  pathToFileURL(join(dirname(fromSplit.resolve('maxrects-packer')), 'maxrects-packer.mjs')).href
);
const potpack = (await import(pathToFileURL(fromSplit.resolve('potpack')).href)).default;

const { readModel, segmentLocally, planParts, splitParts } = await import(SPLIT_DIST);
const { splitModel, createIO } = await import(SPLIT_PACK_DIST);
const { segmentFileLocally } = await import(SPLIT_API_DIST);
const textures = await import(TEXTURES_DIST);
const { ImageCache, decodeImage } = await import(IMAGES_DIST);
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const ratio = (a, b) => (a / b).toFixed(2);
const kb = (n) => `${(n / 1000).toFixed(0)} kB`;

// ---------------------------------------------------------------------------------------------
// Models

async function generatedAtlas(format) {
  const path = `${MODELS}atlas-20-${format}.glb`;
  if (!existsSync(path)) {
    const core = await importCore();
    const encode = (rgb, size, kind) => {
      const image = sharp(Buffer.from(rgb), { raw: { width: size, height: size, channels: 3 } });
      return (kind === 'png' ? image.png({ compressionLevel: 9 }) : image.jpeg({ quality: 90 })).toBuffer();
    };
    const document = await buildTexturedAtlas(core, encode, { parts: 20, size: 2048, format });
    await mkdir(MODELS, { recursive: true });
    await writeFile(path, await new core.NodeIO().writeBinary(document));
  }
  return path;
}

/** The sword as `meshparts run --segmenter local` splits it: segmented into a GLB (the run's cache). */
async function segmentedSword() {
  const path = `${MODELS}PartCrafter_sword.local.glb`;
  const { bytes } = await segmentFileLocally(SWORD);
  await mkdir(MODELS, { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** Bytes of a model as shipped: the .glb, or the .gltf with the buffers and images it names. */
async function sourceBytes(path) {
  let total = (await stat(path)).size;
  if (path.endsWith('.gltf')) {
    const json = JSON.parse(await readFile(path, 'utf8'));
    for (const item of [...(json.buffers ?? []), ...(json.images ?? [])])
      if (item.uri && !item.uri.startsWith('data:'))
        total += (await stat(join(dirname(path), decodeURIComponent(item.uri)))).size;
  }
  return total;
}

/** Every .glb/.gltf of the shared models (a .gltf with its resources lives in a subfolder). */
async function listSharedModels() {
  const out = [];
  for (const entry of (await readdir(SHARED_MODELS, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.isFile() && /\.(glb|gltf)$/.test(entry.name)) out.push(join(SHARED_MODELS, entry.name));
    if (entry.isDirectory())
      for (const file of (await readdir(join(SHARED_MODELS, entry.name))).sort())
        if (/\.(glb|gltf)$/.test(file)) out.push(join(SHARED_MODELS, entry.name, file));
  }
  return out;
}

/** The model's distinct images: sha256 → { bytes, width, height }. */
async function imagesOf(path) {
  const { document } = await readModel(path);
  const images = new Map();
  for (const texture of document.getRoot().listTextures()) {
    const bytes = texture.getImage();
    if (!bytes) continue;
    const size = texture.getSize() ?? [0, 0];
    images.set(sha256(bytes), { bytes: bytes.byteLength, width: size[0], height: size[1] });
  }
  return images;
}

/** The models the issue names, then every other shared model with images. `split`: what splitModel reads. */
const TARGET_MODELS = [
  {
    name: 'PartCrafter sword, split locally',
    source: SWORD,
    split: await segmentedSword(),
    cropTarget: 1.3,
  },
  { name: 'ToyCar.gltf', source: join(SHARED_MODELS, 'ToyCar', 'ToyCar.gltf'), cropTarget: 1.3 },
  { name: 'CesiumMilkTruck.glb', source: join(SHARED_MODELS, 'CesiumMilkTruck.glb'), cropTarget: 1.3 },
  { name: 'atlas-20 (generated, 2048² JPEG)', source: await generatedAtlas('jpeg'), cropTarget: 1.3 },
  { name: 'atlas-20 (generated, 2048² PNG)', source: await generatedAtlas('png'), cropTarget: 1.3 },
];
const OTHER_MODELS = [];
for (const path of await listSharedModels()) {
  if (/PartCrafter_sword|ToyCar\.gltf|[\\/]CesiumMilkTruck\.glb$/.test(path)) continue;
  if ((await imagesOf(path)).size === 0) continue;
  OTHER_MODELS.push({ name: path.slice(SHARED_MODELS.length + 1), source: path });
}

// ---------------------------------------------------------------------------------------------
// 1. Pack bytes in each mode, through splitModel

/** Validator errors of one part file of a pack (its external images resolved beside it). */
async function validatorErrors(path) {
  const report = await validator.validateBytes(new Uint8Array(await readFile(path)), {
    uri: path,
    maxIssues: 10,
    externalResourceFunction: async (uri) =>
      new Uint8Array(await readFile(join(dirname(path), decodeURIComponent(uri)))),
  });
  return report.issues.numErrors;
}

/**
 * One pack: splitModel in a mode; bytes of every file the manifest lists, validator errors, and how
 * many images the parts carry whole (the source's bytes) or changed (cropped).
 */
async function packOf(model, mode) {
  const dir = join(PACKS, `${model.name.replace(/[^A-Za-z0-9]+/g, '_')}-${mode}`);
  await rm(dir, { recursive: true, force: true });
  const { manifest } = await splitModel(model.split ?? model.source, dir, {
    textures: mode,
    thumbnails: null,
    gallery: false,
  });
  const sourceImages = await imagesOf(model.source);
  const io = await createIO({ draco: true, meshopt: true });
  let errors = 0;
  let whole = 0;
  let changed = 0;
  for (const part of manifest.parts) {
    errors += await validatorErrors(join(dir, part.file));
    if (mode === 'shared') continue;
    const document = await io.read(join(dir, part.file));
    for (const texture of document.getRoot().listTextures())
      if (sourceImages.has(sha256(texture.getImage()))) whole++;
      else changed++;
  }
  const files = manifest.files ?? [];
  const bytes = [...manifest.parts, ...files].reduce((sum, file) => sum + file.byteLength, 0);
  const textureBytes = files.reduce((sum, file) => sum + file.byteLength, 0);
  const imageBytes = [...sourceImages.values()].reduce((sum, image) => sum + image.bytes, 0);
  await rm(dir, { recursive: true, force: true });
  return { parts: manifest.parts.length, bytes, errors, whole, changed, textureBytes, imageBytes };
}

const lines = [];
lines.push('### Pack bytes per texture mode (`splitModel`, thumbnails and gallery off)', '');
lines.push(
  'Pack bytes = every file the manifest lists (part files + `files[]`, i.e. `textures/` with `shared`); source = the input file(s). Targets: `crop` ≤ 1.3× on the first four models, `shared` ≤ 1.1× on every model. "Images whole / cropped": part images under `crop` that are the source bytes / that were cut down.',
  '',
);
lines.push(
  '| model | parts | source | embed | **crop** (default) | shared | crop: images whole / cropped | validator errors (all modes) |',
);
lines.push('|---|---|---|---|---|---|---|---|');
const overShared = [];
for (const model of [...TARGET_MODELS, ...OTHER_MODELS]) {
  const source = await sourceBytes(model.source);
  const result = {};
  for (const mode of ['embed', 'crop', 'shared']) result[mode] = await packOf(model, mode);
  const errors = result.embed.errors + result.crop.errors + result.shared.errors;
  const sharedRatio = result.shared.bytes / source;
  if (sharedRatio > 1.1) overShared.push({ model, result, source });
  const mark = (value, target) => (target && value > target ? ` ⚠ > ${target}` : '');
  lines.push(
    `| ${model.name} | ${result.crop.parts} | ${kb(source)} | ${ratio(result.embed.bytes, source)}× | **${ratio(result.crop.bytes, source)}×**${mark(result.crop.bytes / source, model.cropTarget)} | ${ratio(result.shared.bytes, source)}×${mark(sharedRatio, 1.1)} | ${result.crop.whole} / ${result.crop.changed} | ${errors} |`,
  );
  console.error(lines.at(-1));
}
for (const { model, result, source } of overShared) {
  lines.push(
    '',
    `${model.name} with \`shared\`: textures/ holds ${kb(result.shared.textureBytes)} (the source's images: ${kb(result.shared.imageBytes)}); the part files hold ${kb(result.shared.bytes - result.shared.textureBytes)} of a ${kb(source)} source.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 2. What cropping costs per 2048² image: whole processes, crop vs embed

lines.push('', '### Crop time per 2048² image (whole processes)', '');
lines.push(
  `\`node bench/children/split-textures.mjs <model> <dir> crop|embed\`: one \`splitModel\` per process, ${rounds} rounds, crop and embed alternated (order swapped each round) after one untimed warm-up of each. CPU = the process's whole-life \`process.cpuUsage()\` (user + system, all threads: sharp's libvips workers included). Cropping cost = median CPU of crop − median CPU of embed (embed with \`keep\` writes the source's image bytes: no decode, no encode), divided by the 2048²-equivalents of the source's images.`,
  '',
);
lines.push(
  '| model | images (2048²-equivalents) | embed CPU | crop CPU | **crop − embed per 2048² image, CPU** | crop − embed, wall | load average (1 min) during the runs |',
);
lines.push('|---|---|---|---|---|---|---|');
const TIMED = TARGET_MODELS.filter((model) => /CesiumMilkTruck|atlas-20/.test(model.name));
for (const model of TIMED) {
  const images = [...(await imagesOf(model.source)).values()];
  const equivalents = images.reduce((sum, image) => sum + (image.width * image.height) / 2048 ** 2, 0);
  const dir = join(PACKS, 'timed');
  const job = (mode) => ({
    name: `${model.name} ${mode}`,
    args: [CHILD, model.split ?? model.source, dir, mode],
    before: () => rm(dir, { recursive: true, force: true }),
  });
  const samples = { crop: [], embed: [] };
  const loads = [];
  for (const mode of ['embed', 'crop']) await measureOnce(job(mode));
  for (let round = 0; round < rounds; round++) {
    for (const mode of round % 2 ? ['crop', 'embed'] : ['embed', 'crop']) {
      const sample = await measureOnce(job(mode));
      loads.push(sample.load1, loadavg()[0]);
      samples[mode].push(JSON.parse(sample.stdout));
    }
  }
  await rm(dir, { recursive: true, force: true });
  const cpu = (mode) => median(samples[mode].map((s) => s.cpuMs));
  const wall = (mode) => median(samples[mode].map((s) => s.wallMs));
  const perImage = (cpu('crop') - cpu('embed')) / equivalents / 1000;
  lines.push(
    `| ${model.name} | ${images.length} (${equivalents.toFixed(2)}) | ${(cpu('embed') / 1000).toFixed(2)} s | ${(cpu('crop') / 1000).toFixed(2)} s | **${perImage.toFixed(2)} s** | ${((wall('crop') - wall('embed')) / equivalents / 1000).toFixed(2)} s | ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
  );
  console.error(lines.at(-1));
}

// What every process that touches an image pays once, whatever the number of images: loading sharp.
const SHARP_START = `const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const { decodeImage } = await import(${JSON.stringify(IMAGES_DIST)});
const before = cpu();
await decodeImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47])).catch(() => {});
process.stdout.write(String(cpu() - before));`;
const sharpStart = [];
for (let round = 0; round < rounds; round++) {
  const sample = await measureOnce({
    name: 'sharp start-up',
    args: ['--input-type=module', '-e', SHARP_START],
  });
  sharpStart.push(Number(sample.stdout));
}
lines.push(
  '',
  `Of the crop − embed CPU, ${(median(sharpStart) / 1000).toFixed(2)} s (median of ${rounds} processes) is loading sharp (libvips), once per process however many images it crops: the first image of a process pays it, the others do not.`,
);

// ---------------------------------------------------------------------------------------------
// 3. JPEG re-encoding: PSNR of the cropped texels, and masking / bounding boxes
// The crops of the models above, made with the same pieces splitModel uses (one Document per part).
const CROP_MODELS = [
  ...TARGET_MODELS.map((model) => ({
    name: model.name,
    path: model.source,
    segment: model.source === SWORD,
  })),
  { name: 'TextureTransformMultiTest.glb', path: join(SHARED_MODELS, 'TextureTransformMultiTest.glb') },
];
const sharedModels = await listSharedModels();

lines.push('', '### JPEG crops: PSNR against the source texels', '');
lines.push(
  'Each JPEG crop decoded and compared with the source texels it holds, RGB: over the cells the part reaches (covered cells whose 8 neighbours are covered) and over the ring of margin cells around them (which decoders blend with their neighbours when upsampling 4:2:0 chroma). Masked cells are not compared.',
  '',
);
lines.push(
  '| model | image | source quality / subsampling | crops | worst PSNR, reached cells | mean PSNR, reached cells | worst PSNR, margin ring |',
);
lines.push('|---|---|---|---|---|---|---|');
const packerRects = [];
let maskedBytes = 0;
let unmaskedBytes = 0;
let boxCells = 0;
let coveredCells = 0;
for (const model of CROP_MODELS) {
  const { document } = await readModel(model.path);
  if (model.segment) await segmentLocally(document);
  const plan = await planParts(document, { strategy: 'nodes' });
  const images = new ImageCache();
  const psnrs = new Map();
  for await (const part of splitParts(document, plan, { direct: false })) {
    const primitives = part.document
      .getRoot()
      .listMeshes()
      .flatMap((mesh) => mesh.listPrimitives());
    for (const group of textures.groupSlots(textures.primitiveInputs(primitives))) {
      const decision = textures.planLayout(group);
      if (!decision.layout) continue;
      const layout = decision.layout;
      packerRects.push(layout.rects.map((rect) => ({ w: rect.w, h: rect.h })));
      const { covered } = layout.coverage;
      for (const rect of layout.rects) boxCells += rect.w * rect.h;
      for (const rect of layout.rects)
        for (let y = 0; y < rect.h; y++)
          for (let x = 0; x < rect.w; x++)
            coveredCells +=
              covered[
                (rect.sy + y - layout.coverage.y0) * layout.coverage.cols + rect.sx + x - layout.coverage.x0
              ];
      for (const texture of group.textures) {
        const pixels = await images.get(texture.image);
        const exact = textures.composeCrop(pixels, layout, { wrapS: 33071, wrapT: 33071, maskUnused: true });
        const encoded = await textures.encodeTexture(exact, texture.image, 'keep');
        const unmasked = await textures.encodeTexture(
          textures.composeCrop(pixels, layout, { wrapS: 33071, wrapT: 33071, maskUnused: false }),
          texture.image,
          'keep',
        );
        maskedBytes += encoded.bytes.byteLength;
        unmaskedBytes += unmasked.bytes.byteLength;
        if (textures.readImageInfo(texture.image).format !== 'jpeg') continue;
        const back = await decodeImage(encoded.bytes);
        // Squared errors over the interior cells (all 8 neighbours covered: every cell the part's
        // elements reach is one) and over the ring of margin cells around them.
        const err = { inner: [0, 0], ring: [0, 0] };
        const { x0, y0, cols, rows } = layout.coverage;
        const isCovered = (gx, gy) =>
          gx - x0 >= 0 &&
          gx - x0 < cols &&
          gy - y0 >= 0 &&
          gy - y0 < rows &&
          covered[(gy - y0) * cols + gx - x0] === 1;
        const cell = layout.block / (layout.refWidth / pixels.width);
        for (const rect of layout.rects)
          for (let cy = 0; cy < rect.h; cy++)
            for (let cx = 0; cx < rect.w; cx++) {
              const gx = rect.sx + cx;
              const gy = rect.sy + cy;
              if (!isCovered(gx, gy)) continue;
              let interior = true;
              for (let dy = -1; dy <= 1; dy++)
                for (let dx = -1; dx <= 1; dx++) interior &&= isCovered(gx + dx, gy + dy);
              const sum = interior ? err.inner : err.ring;
              for (let y = 0; y < cell; y++)
                for (let x = 0; x < cell; x++) {
                  const at = (((rect.dy + cy) * cell + y) * exact.width + (rect.dx + cx) * cell + x) * 4;
                  for (let c = 0; c < 3; c++) {
                    const d = exact.data[at + c] - back.data[at + c];
                    sum[0] += d * d;
                    sum[1]++;
                  }
                }
            }
        const psnr = ([se, n]) => (se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n)));
        const key = texture.name;
        const info = textures.readImageInfo(texture.image);
        if (!psnrs.has(key)) psnrs.set(key, { info, values: [], rings: [] });
        psnrs.get(key).values.push(psnr(err.inner));
        psnrs.get(key).rings.push(psnr(err.ring));
      }
    }
  }
  for (const [name, { info, values, rings }] of psnrs) {
    const finite = values.filter(Number.isFinite);
    lines.push(
      `| ${model.name} | ${name} | ${info.jpegQuality} / ${info.chromaSubsampling} | ${values.length} | ${Math.min(...values).toFixed(1)} dB | ${(finite.reduce((a, b) => a + b, 0) / finite.length).toFixed(1)} dB | ${Math.min(...rings).toFixed(1)} dB |`,
    );
  }
}

lines.push('', '### Every JPEG of the shared models, re-encoded whole as a crop is encoded', '');
lines.push('| model | image | size | source quality / subsampling | bytes after / before | PSNR (RGB) |');
lines.push('|---|---|---|---|---|---|');
const seenJpegs = new Set();
for (const path of [SWORD, ...sharedModels]) {
  const { document } = await readModel(path);
  for (const texture of document.getRoot().listTextures()) {
    const bytes = texture.getImage();
    if (!bytes || textures.readImageInfo(bytes).format !== 'jpeg') continue;
    const key = `${bytes.byteLength}:${bytes[bytes.byteLength >> 1]}`;
    if (seenJpegs.has(key)) continue;
    seenJpegs.add(key);
    const info = textures.readImageInfo(bytes);
    const pixels = await decodeImage(bytes);
    const encoded = await textures.encodeTexture(pixels, bytes, 'keep');
    const back = await decodeImage(encoded.bytes);
    let se = 0;
    for (let i = 0; i < pixels.data.length; i++) {
      if (i % 4 === 3) continue;
      const d = pixels.data[i] - back.data[i];
      se += d * d;
    }
    const psnr = 10 * Math.log10((255 * 255) / (se / ((pixels.data.length / 4) * 3)));
    const name = path.startsWith(SHARED_MODELS)
      ? path.slice(SHARED_MODELS.length + 1)
      : 'PartCrafter_sword.glb';
    lines.push(
      `| ${name} | ${texture.getName() || texture.getURI() || '(unnamed)'} | ${pixels.width}×${pixels.height} | ${info.jpegQuality} / ${info.chromaSubsampling} | ${ratio(encoded.bytes.byteLength, bytes.byteLength)} | ${psnr.toFixed(1)} dB |`,
    );
  }
}

lines.push('', '### Layout choices', '');
lines.push(
  `- Bounding boxes of connected covered regions hold ${boxCells} cells, of which ${coveredCells} (${((coveredCells / boxCells) * 100).toFixed(0)} %) are reached by the parts (island shapes at cell resolution, margin included).`,
);
lines.push(
  `- Filling unreached cells with their mean colour (maskUnused) makes the crops ${kb(maskedBytes)} instead of ${kb(unmaskedBytes)} (${((1 - maskedBytes / unmaskedBytes) * 100).toFixed(0)} % smaller) over every crop of the models above.`,
);

// ---------------------------------------------------------------------------------------------
// 4. packer comparison on the real layouts

let potArea = 0;
let maxArea = 0;
let rectArea = 0;
let potMs = 0;
let maxMs = 0;
for (const rects of packerRects) {
  rectArea += rects.reduce((sum, rect) => sum + rect.w * rect.h, 0);
  let started = performance.now();
  const packed = potpack(rects.map((rect) => ({ ...rect })));
  potMs += performance.now() - started;
  potArea += packed.w * packed.h;
  started = performance.now();
  // maxrects: a square-ish bin just large enough, grown until everything fits in one bin.
  const side = Math.ceil(Math.sqrt(rects.reduce((sum, rect) => sum + rect.w * rect.h, 0)));
  let best;
  for (
    let size = Math.max(side, ...rects.map((rect) => Math.max(rect.w, rect.h)));
    ;
    size = Math.ceil(size * 1.05) + 1
  ) {
    const packer = new MaxRectsPacker(size, size, 0, {
      smart: true,
      pot: false,
      square: false,
      allowRotation: false,
    });
    packer.addArray(rects.map((rect) => ({ width: rect.w, height: rect.h })));
    if (packer.bins.length === 1) {
      best = packer.bins[0];
      break;
    }
  }
  maxMs += performance.now() - started;
  maxArea += best.width * best.height;
}
lines.push(
  `- Packers over the ${packerRects.length} layouts above (${rectArea} cells of rectangles): potpack fills ${((rectArea / potArea) * 100).toFixed(1)} % of its containers in ${potMs.toFixed(1)} ms; maxrects-packer (smart, no rotation, smallest square bin found by growing 5 %) fills ${((rectArea / maxArea) * 100).toFixed(1)} % in ${maxMs.toFixed(1)} ms.`,
);

console.log(lines.join('\n'));
