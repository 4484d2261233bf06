/**
 * One whole `shape` segmentation, as the pipeline would run it: read a GLB with glTF-Transform,
 * label its first mesh's triangle-list primitives with `shapeTriangleLabels` (built package), and
 * print `{ triangles, parts, segmentMs, cpuMs }` (cpuMs: the whole process's user + system CPU
 * time so far, which a loaded machine inflates far less than wall time). Used by
 * bench/shape-speed.mjs.
 *
 *   node bench/children/shape-segment.mjs <model.glb>
 */
import { join } from 'node:path';
import { importCore } from '../lib/deps.mjs';
import { ROOT } from '../lib/paths.mjs';

const { NodeIO } = await importCore();
const { shapeTriangleLabels } = await import(join(ROOT, 'packages/split/dist/detect/shape/index.js'));
const document = await new NodeIO().read(process.argv[2]);
const primitives = document.getRoot().listMeshes()[0].listPrimitives();
const started = performance.now();
const result = shapeTriangleLabels(primitives);
const segmentMs = performance.now() - started;
const triangles = result.labels.reduce((sum, labels) => sum + labels.length, 0);
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({ triangles, parts: result.count, segmentMs, cpuMs: (cpu.user + cpu.system) / 1000 }),
);
