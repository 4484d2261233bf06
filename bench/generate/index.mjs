/**
 * Writes the benchmark models into bench/.work/models/ (gitignored). Deterministic: the same
 * version of this file always writes the same bytes. A model already on disk is kept unless
 * `--force`. Usage: node bench/generate/index.mjs [--force] [name ...]   (default: all)
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { importCore } from '../lib/deps.mjs';
import { MODELS } from '../lib/paths.mjs';
import { buildBlendedColors } from './blended-colors.mjs';
import { buildInterleavedLabels } from './interleaved-labels.mjs';
import { buildNodeGrids } from './node-grids.mjs';

/** Total vertices of every scaling model: 600,000, split into equal grids per part. */
const SCALING = [
  { parts: 10, w: 240, h: 250 },
  { parts: 100, w: 60, h: 100 },
  { parts: 1000, w: 20, h: 30 },
  { parts: 5000, w: 10, h: 12 },
];

/** name → builder. Names are file stems in bench/.work/models/. */
export const MODELS_TO_GENERATE = {
  'nodes-500': (core) => buildNodeGrids(core, { parts: 500, w: 43, h: 43 }),
  'labels-2m': (core) => buildInterleavedLabels(core, { labels: 200, cellsX: 50, cellsY: 100 }),
  'blended-1m': (core) => buildBlendedColors(core, { parts: 7, size: 708, seed: 7 }),
  ...Object.fromEntries(
    SCALING.map((spec) => [`scaling-${spec.parts}`, (core) => buildNodeGrids(core, spec)]),
  ),
};

/** The path of a generated model. */
export function modelPath(name) {
  return `${MODELS}${name}.glb`;
}

/** Generates the named models (all by default) that are missing, or all of them with `force`. */
export async function generate(
  names = Object.keys(MODELS_TO_GENERATE),
  { force = false, log = console.log } = {},
) {
  const core = await importCore();
  await mkdir(MODELS, { recursive: true });
  for (const name of names) {
    const build = MODELS_TO_GENERATE[name];
    if (!build)
      throw new Error(`unknown model ${name}; known: ${Object.keys(MODELS_TO_GENERATE).join(', ')}`);
    const path = modelPath(name);
    if (existsSync(path) && !force) continue;
    const started = Date.now();
    const bytes = await new core.NodeIO().writeBinary(build(core));
    await writeFile(path, bytes);
    log(`generated ${path} (${(bytes.byteLength / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const names = args.filter((arg) => !arg.startsWith('--'));
  await generate(names.length > 0 ? names : undefined, { force: args.includes('--force') });
}
