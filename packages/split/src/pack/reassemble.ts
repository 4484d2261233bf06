import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, type mat4, type NodeIO } from '@gltf-transform/core';
import { mergeDocuments, unpartition } from '@gltf-transform/functions';
import { PackReadError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { type CodecNeeds, codecNeedsOfBytes, createIO } from '../read/read-model.js';
import { MANIFEST_FILE, type Manifest, PART_FILE } from './manifest.js';

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
    const partDocument = await io.readBinary(files[i]!);
    const partScene = partDocument.getRoot().getDefaultScene() ?? partDocument.getRoot().listScenes()[0];
    for (const placement of part.placements) {
      const map = mergeDocuments(target, partDocument);
      const placed = target.createNode(part.name).setMatrix(placement.matrix as unknown as mat4);
      scene.addChild(placed);
      for (const scenes of target.getRoot().listScenes()) {
        if (scenes === scene) continue;
        if (partScene && map.get(partScene) === scenes) {
          for (const child of scenes.listChildren()) placed.addChild(child);
        }
        scenes.dispose();
      }
    }
  }
  await target.transform(unpartition());
  return target;
}
