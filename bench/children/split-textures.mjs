/**
 * The texture benchmark's measured process (issue 15): `splitModel(input, dir, { textures, thumbnails:
 * null, gallery: false })` from the built `@meshparts/split/pack`, as one whole process. Prints JSON:
 * the process's own CPU time over its whole life (`process.cpuUsage()`: user + system of every
 * thread, so sharp's libvips workers count) and the wall time of the splitModel call.
 * Usage: node split-textures.mjs <in.glb|in.gltf> <dir> <crop|shared|embed>
 */
import { SPLIT_PACK_DIST } from '../lib/paths.mjs';

const [input, dir, textures] = process.argv.slice(2);
const { splitModel } = await import(SPLIT_PACK_DIST);
const started = performance.now();
const { manifest } = await splitModel(input, dir, { textures, thumbnails: null, gallery: false });
const wallMs = performance.now() - started;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ parts: manifest.parts.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
);
