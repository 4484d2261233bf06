/**
 * The "Measured on the real models" table of packages/split/README.md: `splitModel` with defaults on
 * every model of ../shared/models, each part file checked with gltf-validator. Not a benchmark (times
 * are one run each, indicative); it documents what the split does to real files, and how many of
 * their parts the direct encoder wrote (the rest went through glTF-Transform's writer).
 * Usage (after `pnpm build`): node bench/real-models.mjs   (prints the Markdown table)
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import validator from 'gltf-validator';
import { OUT, ROOT, SPLIT_DIST } from './lib/paths.mjs';

const MODELS = join(ROOT, '..', 'shared', 'models');
const { splitModel, readModel, planParts, splitParts } = await import(SPLIT_DIST);

/** Model files: top-level .glb/.gltf, and the .gltf inside each sub-folder. */
async function listModels() {
  const out = [];
  for (const entry of (await readdir(MODELS, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.isFile() && /\.(glb|gltf)$/i.test(entry.name)) out.push(entry.name);
    if (entry.isDirectory()) {
      for (const file of await readdir(join(MODELS, entry.name)))
        if (/\.(glb|gltf)$/i.test(file)) out.push(`${entry.name}/${file}`);
    }
  }
  return out;
}

/** How many parts the direct encoder takes (planned on a fresh read: label plans change the document). */
async function directParts(path) {
  const { document } = await readModel(path);
  let direct = 0;
  for await (const part of splitParts(document, await planParts(document))) if ('bytes' in part) direct++;
  return direct;
}

const rows = [];
for (const model of await listModels()) {
  const path = join(MODELS, model);
  const dir = join(OUT, 'real-models', model.replaceAll('/', '_'));
  const started = performance.now();
  let manifest;
  try {
    ({ manifest } = await splitModel(path, dir));
  } catch (error) {
    rows.push(`| ${model} | – | 0 | 0 | 0 | ${(await stat(path)).size} | – | – | – | – | ${error.name} |`);
    continue;
  }
  const ms = performance.now() - started;
  let errors = 0;
  let warnings = 0;
  let bytes = 0;
  for (const part of manifest.parts) {
    const file = await readFile(join(dir, part.file));
    bytes += file.byteLength;
    const report = await validator.validateBytes(new Uint8Array(file), { maxIssues: 100 });
    errors += report.issues.numErrors;
    warnings += report.issues.numWarnings;
  }
  const triangles = manifest.parts.reduce((sum, part) => sum + part.triangles * part.placements.length, 0);
  const placements = manifest.parts.reduce((sum, part) => sum + part.placements.length, 0);
  rows.push(
    `| ${model} | ${manifest.source.strategy} | ${manifest.parts.length} | ${placements} | ${triangles} | ${manifest.source.byteLength} | ${bytes} | ${Math.round(ms)} | ${await directParts(path)} | ${errors} | ${warnings} |`,
  );
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(
  [
    '| model | strategy | parts | placements | triangles | source bytes | part bytes | split ms | encoded directly | validator errors | warnings |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n',
);
