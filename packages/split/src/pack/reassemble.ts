import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, type mat4, type Node, type NodeIO } from '@gltf-transform/core';
import { mergeDocuments, unpartition } from '@gltf-transform/functions';
import { PackReadError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { decomposeAffine } from '../math.js';
import { type CodecNeeds, codecNeedsOfBytes, createIO } from '../read/read-model.js';
import { MANIFEST_FILE, type Manifest, PART_FILE } from './manifest.js';
import { readPartFile } from './read-part.js';

export interface ReassembleOptions {
  /** Pack folder; required when a Manifest object (not a path) is given. */
  dir?: string;
  /** Check each part file's sha256 and size against the manifest (default true). */
  verify?: boolean;
  /** IO for reading part files (default: ALL_EXTENSIONS plus the decoders the files need). */
  io?: NodeIO;
}

/**
 * Rebuilds one Document from a pack — the inverse of the split. Every part file is merged once per
 * placement, under a node named after the part whose matrix is the placement's: part file space →
 * source world space. The result's default scene draws what the source's split scene drew.
 * `pack` is a pack folder, a manifest.json path, or a Manifest (with `options.dir`).
 */
export async function reassemble(
  pack: string | Manifest,
  options: ReassembleOptions = {},
): Promise<Document> {
  let manifest: Manifest;
  let dir: string;
  if (typeof pack === 'string') {
    const path = pack.endsWith('.json') ? pack : join(pack, MANIFEST_FILE);
    dir = pack.endsWith('.json') ? join(path, '..') : pack;
    manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  } else {
    if (!options.dir) throw new PackReadError('reassemble(manifest) needs options.dir: the pack folder');
    manifest = pack;
    dir = options.dir;
  }
  if (manifest.manifestVersion !== 1) {
    throw new PackReadError(`unsupported manifest version ${String(manifest.manifestVersion)} (expected 1)`);
  }
  const files = await Promise.all(
    manifest.parts.map(async (part) => {
      // A manifest is input too: its paths must stay inside the pack's parts/ folder.
      if (typeof part.file !== 'string' || !PART_FILE.test(part.file)) {
        throw new PackReadError(
          `bad part file entry ${JSON.stringify(part.file)} (expected parts/<name>.glb)`,
        );
      }
      const bytes = new Uint8Array(await readFile(join(dir, ...part.file.split('/'))));
      if (
        options.verify !== false &&
        (bytes.byteLength !== part.byteLength || sha256Hex(bytes) !== part.sha256)
      ) {
        throw new PackReadError(`${part.file} does not match the manifest (size or sha256 differ)`);
      }
      return bytes;
    }),
  );
  const needs: CodecNeeds = {};
  for (const bytes of files) {
    const own = codecNeedsOfBytes(bytes);
    needs.draco ||= own.draco;
    needs.meshopt ||= own.meshopt;
  }
  const io = options.io ?? (await createIO(needs));
  const target = new Document();
  const scene = target.createScene(manifest.source.file);
  target.getRoot().setDefaultScene(scene);
  for (const [i, part] of manifest.parts.entries()) {
    const partDocument = await readPartFile(io, files[i]!, {
      dir,
      file: part.file,
      manifest,
      verify: options.verify !== false,
    });
    const partScene = partDocument.getRoot().getDefaultScene() ?? partDocument.getRoot().listScenes()[0];
    for (const placement of part.placements) {
      const map = mergeDocuments(target, partDocument);
      const placed = placementNodes(target, part.name, placement.matrix as unknown as mat4);
      scene.addChild(placed.outer);
      for (const scenes of target.getRoot().listScenes()) {
        if (scenes === scene) continue;
        if (partScene && map.get(partScene) === scenes) {
          for (const child of scenes.listChildren()) placed.inner.addChild(child);
        }
        scenes.dispose();
      }
    }
  }
  await target.transform(unpartition());
  return target;
}

/**
 * The node (or two) that carry a placement matrix. glTF-Transform keeps node transforms as TRS
 * (`setMatrix` decomposes), which would drop the shear a placement has when a shared mesh's nodes
 * scale it differently along rotated axes; `decomposeAffine` gives two TRS that make it exactly.
 */
function placementNodes(target: Document, name: string, matrix: mat4): { outer: Node; inner: Node } {
  const chain = decomposeAffine(matrix);
  if (!chain) {
    // A singular placement (a node scaled to zero) draws the part flat: a TRS is all glTF has.
    const node = target.createNode(name).setMatrix(matrix);
    return { outer: node, inner: node };
  }
  const nodes = chain.map((trs, i) =>
    target
      .createNode(i === 0 ? name : `${name}_frame`)
      .setTranslation(trs.translation)
      .setRotation(trs.rotation)
      .setScale(trs.scale),
  );
  for (let i = 1; i < nodes.length; i++) nodes[i - 1]!.addChild(nodes[i]!);
  return { outer: nodes[0]!, inner: nodes[nodes.length - 1]! };
}
