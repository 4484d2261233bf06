#!/usr/bin/env node
/**
 * Quality of the `shape` segmenter on the Princeton Segmentation Benchmark development subset
 * (`../shared/psb-dev`, never copied into the repository). For each mesh: `score.mjs --off2glb`
 * converts it (cached in bench/.work/psb/), the built segmenter (`packages/split/dist`) labels its
 * triangles, the labels are written as a `.seg` file (one label per face, in OFF order, since the
 * GLB keeps the OFF's face order), and `score.mjs` scores it: 1 − Rand Index averaged over the
 * human segmentations. Prints a per-category Markdown table, the mean, and the segmentation time
 * per mesh (in process, after reading the GLB).
 *
 *   npx tsc -b packages/split && node bench/shape-psb.mjs [--only 3,23] [--options '{"cutThreshold":0.4}'] [--json out.json]
 *   node bench/shape-psb.mjs --sweep cutThreshold=0.9,1,1.1,1.2,1.3,1.4,1.5
 *
 * `--sweep name=v1,v2,...` scores every value of one option and prints the mean per value and a
 * leave-one-out check against over-fitting: for each mesh, the value that is best on the OTHER
 * 18 meshes is chosen and that mesh is scored with it; the mean of those held-out scores
 * estimates the score on unseen meshes of the same categories.
 *
 * PSB_DIR overrides the data folder. Exits 0 with a message when the folder is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importCore } from './lib/deps.mjs';
import { ROOT, WORK } from './lib/paths.mjs';
import { markdownTable } from './lib/table.mjs';

const CATEGORIES = {
  3: 'Human',
  23: 'Cup',
  43: 'Glasses',
  63: 'Airplane',
  83: 'Ant',
  103: 'Chair',
  123: 'Octopus',
  143: 'Table',
  163: 'Teddy',
  183: 'Hand',
  203: 'Plier',
  223: 'Fish',
  244: 'Bird',
  283: 'Armadillo',
  303: 'Bust',
  323: 'Mech',
  343: 'Bearing',
  363: 'Vase',
  383: 'FourLeg',
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    options: { type: 'string', default: '{}' },
    json: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    sweep: { type: 'string' },
  },
});
const psb = resolve(process.env.PSB_DIR ?? join(ROOT, '../shared/psb-dev'));
if (!existsSync(join(psb, 'score.mjs'))) {
  console.log(`shape-psb: no PSB data at ${psb} (set PSB_DIR); skipped.`);
  process.exit(0);
}
const options = JSON.parse(values.options);
const { segmentShape } = await import(join(ROOT, 'packages/split/dist/detect/shape/index.js'));
const { NodeIO } = await importCore();
const io = new NodeIO();
const work = join(WORK, 'psb');
mkdirSync(work, { recursive: true });
const score = join(psb, 'score.mjs');
const only = values.only ? new Set(values.only.split(',')) : null;
const ids = readdirSync(psb)
  .filter((name) => /^\d+$/.test(name) && (!only || only.has(name)))
  .sort((a, b) => Number(a) - Number(b));

async function scoreAll(options) {
  const rows = [];
  for (const id of ids) {
    const off = join(psb, id, `${id}.off`);
    const glb = join(work, `${id}.glb`);
    if (!existsSync(glb)) execFileSync(process.execPath, [score, '--off2glb', off, glb]);
    const document = await io.read(glb);
    const primitive = document.getRoot().listMeshes()[0].listPrimitives()[0];
    const positions = primitive.getAttribute('POSITION').getArray();
    const indices = Uint32Array.from(primitive.getIndices().getArray());
    const started = performance.now();
    const result = segmentShape(positions, indices, options);
    const seconds = (performance.now() - started) / 1000;
    const seg = join(work, `${id}.seg`);
    writeFileSync(seg, `${Array.from(result.labels).join('\n')}\n`);
    const scored = JSON.parse(
      execFileSync(process.execPath, [score, off, join(psb, id), seg], { encoding: 'utf8' }),
    );
    const row = {
      id,
      category: CATEGORIES[id] ?? '?',
      faces: indices.length / 3,
      parts: result.count,
      humanParts: scored.per_human.map((h) => h.segments),
      riError: scored.ri_error,
      seconds,
      nextCutScore: result.diagnostics.nextCutScore,
      cutScores: result.diagnostics.cutScores,
    };
    rows.push(row);
    if (!values.quiet) {
      console.error(
        `${id.padStart(3)} ${row.category.padEnd(9)} parts ${String(row.parts).padStart(2)}  1-RI ${row.riError.toFixed(3)}  ${seconds.toFixed(2)} s  cuts ${row.cutScores.map((s) => s.toFixed(2)).join(' ')} | next ${row.nextCutScore?.toFixed(2)}`,
      );
    }
  }
  return rows;
}

if (values.sweep) {
  const [name, list] = values.sweep.split('=');
  const settings = list.split(',').map(Number);
  const runs = [];
  for (const value of settings) runs.push(await scoreAll({ ...options, [name]: value }));
  const meanOf = (rows, skip) => {
    const kept = rows.filter((_, i) => i !== skip);
    return kept.reduce((sum, row) => sum + row.riError, 0) / kept.length;
  };
  console.log(
    markdownTable(
      [name, 'mean 1 − RI', 'parts (total)'],
      settings.map((value, v) => [
        value,
        meanOf(runs[v], -1).toFixed(4),
        runs[v].reduce((sum, row) => sum + row.parts, 0),
      ]),
    ),
  );
  const held = ids.map((id, i) => {
    let best = 0;
    for (let v = 1; v < settings.length; v++) if (meanOf(runs[v], i) < meanOf(runs[best], i)) best = v;
    return { id, value: settings[best], riError: runs[best][i].riError };
  });
  const loo = held.reduce((sum, row) => sum + row.riError, 0) / held.length;
  console.log(
    `\nleave-one-out: mean held-out 1 − RI ${loo.toFixed(4)}; ${name} chosen per held-out mesh: ${held.map((row) => `${row.id}:${row.value}`).join(' ')}`,
  );
  process.exit(0);
}
const rows = await scoreAll(options);
const mean = rows.reduce((sum, row) => sum + row.riError, 0) / rows.length;
const times = rows.map((row) => row.seconds).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const mode = (list) => {
  const counts = new Map();
  for (const k of list) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
};
console.log(
  markdownTable(
    ['id', 'category', 'faces', 'parts', 'human parts (mode, range)', '1 − RI', 'time'],
    rows.map((row) => [
      row.id,
      row.category,
      row.faces,
      row.parts,
      `${mode(row.humanParts)} (${Math.min(...row.humanParts)}–${Math.max(...row.humanParts)})`,
      row.riError.toFixed(3),
      `${row.seconds.toFixed(2)} s`,
    ]),
  ),
);
console.log(
  `\n${rows.length} meshes, mean 1 − RI ${mean.toFixed(4)}; segmentation time median ${median.toFixed(2)} s, max ${times.at(-1).toFixed(2)} s; options ${JSON.stringify(options)}`,
);
if (values.json) writeFileSync(values.json, JSON.stringify({ options, mean, rows }, null, 2));
