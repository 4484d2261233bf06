/**
 * The library candidate of targets 1-3, as one whole process: `splitModel(input, dir)` from the
 * built `@meshparts/split/split-model` (the lightest entry a script that splits files can use: it
 * loads the byte-level split, and the Document path only when a model needs it; `/pack` also loads
 * reading and detection up front, the main entry @gltf-transform/functions too), without the CLI.
 * Usage: node split-model.mjs <in.glb> <dir> [strategy] [--durable] [--document] [--general] [--thumbnails none]
 *   --durable  fsync every file and folder of the pack (splitModel's `durable: true`)
 *   --document no byte-level split: the model is read into a glTF-Transform Document first
 *              (splitModel's `fastPath: false`), its parts still encoded directly
 *   --general  every part through a Document and glTF-Transform's writer (what the direct encoder
 *              replaced): passing an IO makes splitModel use it for every part
 */
import { SPLIT_MODEL_DIST, SPLIT_PACK_DIST } from '../lib/paths.mjs';

const args = process.argv.slice(2);
const noThumbnails = args.join(' ').includes('--thumbnails none');
const rest = args.filter((arg, i) => !(arg === 'none' && args[i - 1] === '--thumbnails'));
const flags = new Set(rest.filter((arg) => arg.startsWith('--')));
const [input, dir, strategy] = rest.filter((arg) => !arg.startsWith('--'));
const { splitModel } = await import(SPLIT_MODEL_DIST);
const createIO = async () => (await import(SPLIT_PACK_DIST)).createIO();
const options = {
  ...(strategy ? { strategy } : {}),
  ...(flags.has('--durable') ? { durable: true } : {}),
  ...(flags.has('--document') ? { fastPath: false } : {}),
  ...(flags.has('--general') ? { io: await createIO() } : {}),
  ...(noThumbnails ? { thumbnails: null } : {}),
};
const { manifest } = await splitModel(input, dir, options);
process.stdout.write(`${manifest.parts.length}\n`);
