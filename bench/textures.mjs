/**
 * Texture benchmark (issue 15): pack bytes / source bytes with `--textures crop` (default), `shared`
 * and `embed`, the time cropping takes per 2048² image, the PSNR of re-encoded JPEG crops, and the
 * packer comparison (potpack vs maxrects-packer) behind parts/textures.
 *
 * Pipeline measured: readModel → (segmentLocally for the sword) → planParts → splitParts (the general
 * path: one Document per part) → cropTextures on each part Document → NodeIO.writeBinary (crop,
 * embed) or SharedTextures.writePart + the textures/ files (shared). Every part file is validated.
 *
 * Usage (after `pnpm build`): node bench/textures.mjs [--rounds N]   (prints Markdown sections)
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import validator from 'gltf-validator';
import { buildTexturedAtlas } from './generate/textured-atlas.mjs';
import { importCore } from './lib/deps.mjs';
import { MODELS, ROOT, SPLIT_DIST } from './lib/paths.mjs';

const SHARED_MODELS = join(ROOT, '..', 'shared', 'models');
const TEXTURES_DIST = `${ROOT}packages/split/dist/parts/textures/index.js`;
const IMAGES_DIST = `${ROOT}packages/split/dist/images/index.js`;
const fromSplit = createRequire(new URL('../packages/split/package.json', import.meta.url));
const sharp = fromSplit('sharp');
// maxrects-packer 2.7.4 names a UMD file as `main` of a `"type": "module"` package, so neither
// require() nor import() of the bare name yields its exports; its ESM build is imported by path.
const { MaxRectsPacker } = await import(
  pathToFileURL(join(dirname(fromSplit.resolve('maxrects-packer')), 'maxrects-packer.mjs')).href
);
const potpack = (await import(pathToFileURL(fromSplit.resolve('potpack')).href)).default;

const { readModel, segmentLocally, planParts, splitParts, createIO } = await import(SPLIT_DIST);
const textures = await import(TEXTURES_DIST);
const { ImageCache, decodeImage } = await import(IMAGES_DIST);
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

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

const CROP_MODELS = [
  {
    name: 'PartCrafter_sword.glb (segmentLocally, 9 parts)',
    path: join(ROOT, 'fixtures', 'PartCrafter_sword.glb'),
    segment: true,
  },
  { name: 'ToyCar.gltf', path: join(SHARED_MODELS, 'ToyCar', 'ToyCar.gltf') },
  { name: 'CesiumMilkTruck.glb', path: join(SHARED_MODELS, 'CesiumMilkTruck.glb') },
  { name: 'atlas-20 (generated, 2048² JPEG)', path: await generatedAtlas('jpeg') },
  { name: 'atlas-20 (generated, 2048² PNG)', path: await generatedAtlas('png') },
  { name: 'TextureTransformMultiTest.glb', path: join(SHARED_MODELS, 'TextureTransformMultiTest.glb') },
];

// ---------------------------------------------------------------------------------------------
// One pack

/** Splits a model and writes every part in memory; returns bytes, time of the texture step, checks. */
async function pack(model, mode, options = {}) {
  const { document, codecs } = await readModel(model.path);
  if (model.segment) await segmentLocally(document);
  const plan = await planParts(document, { strategy: 'nodes' });
  const parts = splitParts(document, plan);
  const io = await createIO({ ...codecs, encode: true });
  const images = new ImageCache();
  const conversions = new textures.TextureConversions(images);
  const shared = new textures.SharedTextures();
  let bytes = 0;
  let textureMs = 0;
  let textureCpuMs = 0;
  let errors = 0;
  let cropped = 0;
  let whole = 0;
  const reasons = new Set();
  for (const part of parts) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await part.document.transform(
      textures.cropTextures({
        images,
        conversions,
        mode: mode === 'crop' ? 'crop' : 'embed',
        format: options.format ?? 'keep',
        maskUnused: options.maskUnused ?? true,
        onDecisions: (decisions) => {
          for (const decision of decisions) {
            if (decision.cropped) cropped++;
            else {
              whole++;
              reasons.add(decision.reason.replace(/ \(.*\)/, '').replace(/\d+ %/, 'N %'));
            }
          }
        },
      }),
    );
    textureMs += performance.now() - started;
    const used = process.cpuUsage(cpu);
    textureCpuMs += (used.user + used.system) / 1000;
    let file;
    if (mode === 'shared') {
      const written = await shared.writePart(part.document, io);
      file = written.bytes;
    } else {
      file = await io.writeBinary(part.document);
    }
    bytes += file.byteLength;
    if (mode !== 'shared') {
      const report = await validator.validateBytes(new Uint8Array(file), { maxIssues: 10 });
      errors += report.issues.numErrors;
    }
  }
  let textureBytes = 0;
  for (const file of shared.files()) textureBytes += file.bytes.byteLength;
  bytes += textureBytes;
  return {
    textureBytes,
    parts: parts.length,
    bytes,
    textureMs,
    textureCpuMs,
    errors,
    cropped,
    whole,
    reasons: [...reasons],
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a, b) => (a / b).toFixed(2);
const kb = (n) => `${(n / 1000).toFixed(0)} kB`;

// ---------------------------------------------------------------------------------------------
// 1. crop vs embed

const lines = [];
lines.push('### Pack bytes with `--textures crop` (default) and `embed`', '');
lines.push(
  '| model | parts | source | embed | crop | crop / source | groups cropped / whole | why whole | texture step (median ms) | validator errors |',
);
lines.push('|---|---|---|---|---|---|---|---|---|---|');
const times = {};
for (const model of CROP_MODELS) {
  const source = await sourceBytes(model.path);
  const embed = await pack(model, 'embed');
  const runs = [];
  const cpuRuns = [];
  let crop;
  for (let r = 0; r < rounds; r++) {
    crop = await pack(model, 'crop');
    runs.push(crop.textureMs);
    cpuRuns.push(crop.textureCpuMs);
  }
  times[model.name] = { wall: median(runs), cpu: median(cpuRuns) };
  lines.push(
    `| ${model.name} | ${crop.parts} | ${kb(source)} | ${kb(embed.bytes)} (${ratio(embed.bytes, source)}×) | ${kb(crop.bytes)} | **${ratio(crop.bytes, source)}×** | ${crop.cropped} / ${crop.whole} | ${crop.reasons.join('; ') || '–'} | ${median(runs).toFixed(0)} | ${crop.errors + embed.errors} |`,
  );
  console.error(lines.at(-1));
}

// ---------------------------------------------------------------------------------------------
// 2. crop time per 2048² image

lines.push('', '### Crop time per 2048² image', '');
lines.push(
  "Texture step = every `cropTextures` call of the pack: the one decode of the atlas (ImageCache), each part's layout, compose and encode. Embed with `keep` does nothing there (0 ms), so this is what cropping adds.",
  '',
);
lines.push(
  '| model | 2048² images | parts that crop it | texture step, wall (median of ' +
    rounds +
    ') | CPU time (process, all threads) | per 2048² image (wall) |',
);
lines.push('|---|---|---|---|---|---|');
for (const [name, images, parts] of [
  ['CesiumMilkTruck.glb', 1, 3],
  ['atlas-20 (generated, 2048² JPEG)', 1, 20],
  ['atlas-20 (generated, 2048² PNG)', 1, 20],
]) {
  lines.push(
    `| ${name} | ${images} | ${parts} | ${times[name].wall.toFixed(0)} ms | ${times[name].cpu.toFixed(0)} ms | **${(times[name].wall / images / 1000).toFixed(2)} s** |`,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. shared, every shared model with images

lines.push('', '### Pack bytes with `--textures shared`', '');
lines.push(
  '| model | parts | source | shared (parts + textures/) | shared / source | images: textures/ / source images |',
);
lines.push('|---|---|---|---|---|---|');
const sharedModels = [];
for (const entry of (
  await (await import('node:fs/promises')).readdir(SHARED_MODELS, { withFileTypes: true })
).sort((a, b) => a.name.localeCompare(b.name))) {
  if (entry.isFile() && /\.(glb|gltf)$/.test(entry.name)) sharedModels.push(join(SHARED_MODELS, entry.name));
  if (entry.isDirectory())
    for (const file of await (await import('node:fs/promises')).readdir(join(SHARED_MODELS, entry.name)))
      if (/\.(glb|gltf)$/.test(file)) sharedModels.push(join(SHARED_MODELS, entry.name, file));
}
const { createHash } = await import('node:crypto');
for (const path of [
  join(ROOT, 'fixtures', 'PartCrafter_sword.glb'),
  ...sharedModels.filter((model) => !model.endsWith('PartCrafter_sword.glb')),
]) {
  const { document } = await readModel(path);
  if (document.getRoot().listTextures().length === 0) continue;
  const sourceImages = new Map();
  for (const texture of document.getRoot().listTextures()) {
    const image = texture.getImage();
    if (image) sourceImages.set(createHash('sha256').update(image).digest('hex'), image.byteLength);
  }
  const imageBytes = [...sourceImages.values()].reduce((a, b) => a + b, 0);
  const segment = path.endsWith('PartCrafter_sword.glb');
  let result;
  try {
    result = await pack({ path, segment }, 'shared');
  } catch (error) {
    lines.push(`| ${path.slice(SHARED_MODELS.length + 1)} | – | – | – | ${error.message} | – |`);
    continue;
  }
  const source = await sourceBytes(path);
  const name = path.startsWith(SHARED_MODELS)
    ? path.slice(SHARED_MODELS.length + 1)
    : 'PartCrafter_sword.glb (segmentLocally)';
  lines.push(
    `| ${name} | ${result.parts} | ${kb(source)} | ${kb(result.bytes)} | **${ratio(result.bytes, source)}×** | ${ratio(result.textureBytes, imageBytes)}× |`,
  );
}

// ---------------------------------------------------------------------------------------------
// 4. JPEG re-encoding: PSNR of the cropped texels, and masking / bounding boxes

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
  const parts = splitParts(document, await planParts(document, { strategy: 'nodes' }));
  const images = new ImageCache();
  const psnrs = new Map();
  for (const part of parts) {
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
for (const path of [join(ROOT, 'fixtures', 'PartCrafter_sword.glb'), ...sharedModels]) {
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
// 5. packer comparison on the real layouts

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
