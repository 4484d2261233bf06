#!/usr/bin/env node
/**
 * Speed of the `shape` segmenter, whole processes (node start-up, reading the GLB, segmenting):
 * generated fused meshes of 12.5k to 500k triangles, each one watertight surface, a body with
 * five limb-like lobes (so there are parts to find). Prints a Markdown table of the median wall
 * time over the rounds, the in-process segmentation time, the process's CPU time (user + system:
 * less sensitive than wall time to other work on a shared machine), and the segmentation time per
 * triangle, which stays flat or falls when growth is linear.
 *
 *   npx tsc -b packages/split && node bench/shape-speed.mjs [--rounds 3] [--sizes 12500,50000,500000]
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importCore } from './lib/deps.mjs';
import { alternate, median } from './lib/measure.mjs';
import { CHILDREN, MODELS } from './lib/paths.mjs';
import { markdownTable } from './lib/table.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    sizes: { type: 'string', default: '12500,25000,50000,100000,200000,500000' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const { Document, NodeIO } = await importCore();
mkdirSync(MODELS, { recursive: true });

/**
 * A closed latitude–longitude surface of about `triangles` triangles whose radius swells into five
 * lobes (four around the equator, one at the top): a fused "body with limbs" in one shell.
 */
function lobedBody(triangles) {
  const rings = Math.max(8, Math.round(Math.sqrt(triangles / 4)));
  const segments = 2 * rings;
  const lobes = [
    [1, 0, 0],
    [-1, 0, 0],
    [0, 0, 1],
    [0, 0, -1],
    [0, 1, 0],
  ];
  const positions = [0, -1, 0];
  for (let i = 1; i < rings; i++) {
    const theta = (Math.PI * i) / rings;
    for (let j = 0; j < segments; j++) {
      const phi = (2 * Math.PI * j) / segments;
      const d = [Math.sin(theta) * Math.cos(phi), -Math.cos(theta), Math.sin(theta) * Math.sin(phi)];
      let radius = 1;
      for (const l of lobes) radius += 1.6 * Math.max(0, d[0] * l[0] + d[1] * l[1] + d[2] * l[2]) ** 12;
      positions.push(radius * d[0], radius * d[1], radius * d[2]);
    }
  }
  positions.push(0, 1, 0);
  const top = positions.length / 3 - 1;
  const at = (i, j) => 1 + (i - 1) * segments + (j % segments);
  const indices = [];
  for (let j = 0; j < segments; j++) indices.push(0, at(1, j), at(1, j + 1));
  for (let i = 1; i < rings - 1; i++) {
    for (let j = 0; j < segments; j++) {
      indices.push(at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j), at(i + 1, j + 1), at(i, j + 1));
    }
  }
  for (let j = 0; j < segments; j++) indices.push(top, at(rings - 1, j + 1), at(rings - 1, j));
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

const jobs = [];
const counts = new Map();
for (const size of sizes) {
  const file = join(MODELS, `shape-lobes-${size}.glb`);
  const { positions, indices } = lobedBody(size);
  counts.set(size, indices.length / 3);
  if (!existsSync(file)) {
    const document = new Document();
    const buffer = document.createBuffer();
    const primitive = document
      .createPrimitive()
      .setAttribute(
        'POSITION',
        document.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer),
      )
      .setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
    document
      .createScene()
      .addChild(document.createNode('body').setMesh(document.createMesh('body').addPrimitive(primitive)));
    await new NodeIO().write(file, document);
  }
  jobs.push({ name: String(size), args: [join(CHILDREN, 'shape-segment.mjs'), file] });
}
const samples = await alternate(jobs, { rounds: Number(values.rounds), log: (line) => console.error(line) });
const rows = sizes.map((size) => {
  const list = samples.get(String(size));
  const wall = median(list.map((s) => s.wallMs));
  const inner = list.map((s) => JSON.parse(s.stdout));
  const segment = median(inner.map((s) => s.segmentMs));
  const triangles = counts.get(size);
  return [
    triangles.toLocaleString('en-US'),
    inner[0].parts,
    `${(wall / 1000).toFixed(2)} s`,
    `${(Math.min(...list.map((s) => s.wallMs)) / 1000).toFixed(2)}–${(Math.max(...list.map((s) => s.wallMs)) / 1000).toFixed(2)} s`,
    `${(segment / 1000).toFixed(2)} s`,
    `${(median(inner.map((s) => s.cpuMs)) / 1000).toFixed(2)} s`,
    `${((segment * 1000) / triangles).toFixed(1)} µs`,
    `${Math.round(median(list.map((s) => s.maxRssKiB)) / 1024)} MiB`,
  ];
});
console.log(
  markdownTable(
    [
      'triangles',
      'parts',
      'whole process (median)',
      'range',
      'segmentation in process',
      'process CPU time',
      'segmentation per triangle',
      'peak RSS',
    ],
    rows,
  ),
);
const loads = [...samples.values()].flat().map((s) => s.load1);
console.log(
  `\n${values.rounds} rounds, alternated, after a warm-up round; node ${process.version}; load average at start ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
