/**
 * The library candidate of targets 1-3, as one whole process: `splitModel(input, dir)` from the
 * built @meshparts/split, without the CLI around it (so CLI start-up cost shows as the difference).
 * Usage: node split-model.mjs <in.glb> <dir> [strategy] [--durable] [--general]
 *   --durable  fsync every file and folder of the pack (splitModel's `durable: true`)
 *   --general  every part through a Document and glTF-Transform's writer (what the direct encoder
 *              replaced): passing an IO makes splitModel use it for every part
 */
import { SPLIT_DIST } from '../lib/paths.mjs';

const args = process.argv.slice(2);
const flags = new Set(args.filter((arg) => arg.startsWith('--')));
const [input, dir, strategy] = args.filter((arg) => !arg.startsWith('--'));
const { splitModel, createIO } = await import(SPLIT_DIST);
const options = {
  ...(strategy ? { strategy } : {}),
  ...(flags.has('--durable') ? { durable: true } : {}),
  ...(flags.has('--general') ? { io: await createIO() } : {}),
};
const { manifest } = await splitModel(input, dir, options);
process.stdout.write(`${manifest.parts.length}\n`);
