/**
 * The library candidate of targets 1-3, as one whole process: `splitModel(input, dir)` from the
 * built @meshparts/split, without the CLI around it (so CLI start-up cost shows as the difference).
 * Usage: node split-model.mjs <in.glb> <dir> [strategy]
 */
import { SPLIT_DIST } from '../lib/paths.mjs';

const [input, dir, strategy] = process.argv.slice(2);
const { splitModel } = await import(SPLIT_DIST);
const { manifest } = await splitModel(input, dir, strategy ? { strategy } : {});
process.stdout.write(`${manifest.parts.length}\n`);
