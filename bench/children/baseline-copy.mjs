/**
 * The baseline of targets 1-3, as one whole process: plain glTF-Transform
 * `new NodeIO().registerExtensions(ALL_EXTENSIONS)` read → writeBinary → fs.writeFile.
 * Usage: node baseline-copy.mjs <in.glb> <out.glb>
 */
import { writeFile } from 'node:fs/promises';
import { importCore, importExtensions } from '../lib/deps.mjs';

const [input, output] = process.argv.slice(2);
const { NodeIO } = await importCore();
const { ALL_EXTENSIONS } = await importExtensions();
const io = new NodeIO().registerExtensions(ALL_EXTENSIONS);
const document = await io.read(input);
await writeFile(output, await io.writeBinary(document));
