import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { type Document, GLB_BUFFER, type JSONDocument, type NodeIO } from '@gltf-transform/core';
import { PackReadError } from '../errors.js';
import { sha256Hex } from '../hash.js';
import { BIN_CHUNK, isGLB, JSON_CHUNK } from '../read/glb-container.js';
import type { Manifest } from './manifest.js';
import { packPath, pathState } from './pack-paths.js';

/** Where a part file is and what may be read beside it. */
export interface PartFileContext {
  /** The pack folder. */
  dir: string;
  /** The part's pack-relative path (`parts/<name>.glb`). */
  file: string;
  /** The manifest: only files it lists in `files` may be read for a part. */
  manifest: Manifest;
  /** Check each image file's size and sha256 against the manifest. */
  verify: boolean;
}

/**
 * Reads one part file of a pack as a Document. A part of a `--textures shared` pack names its images
 * by URI (`../textures/<file>`), which NodeIO.readBinary refuses to resolve; those images are read
 * from the pack folder. A manifest and its parts are input, so an image URI is followed only to a file
 * the manifest lists in `files` (inside the pack by construction: no scheme, no absolute path, no
 * `..` above the pack), a regular file (never through a link), with the recorded size and sha256
 * when `verify`. A part with every image embedded is read as it is.
 */
export async function readPartFile(
  io: NodeIO,
  bytes: Uint8Array<ArrayBuffer>,
  context: PartFileContext,
): Promise<Document> {
  const jsonDoc = glbToJSON(bytes, context.file);
  const external = (jsonDoc.json.images ?? []).filter(
    (image) => typeof image.uri === 'string' && !image.uri.startsWith('data:'),
  );
  if (external.length === 0) return io.readBinary(bytes);
  if ((jsonDoc.json.buffers ?? []).some((buffer) => buffer.uri !== undefined)) {
    throw new PackReadError(`${context.file} refers to an external buffer (a part file holds its own)`);
  }
  for (const image of external) {
    const uri = image.uri!;
    if (uri in jsonDoc.resources) continue;
    jsonDoc.resources[uri] = await readImageFile(uri, context);
  }
  return io.readJSON(jsonDoc);
}

/** The JSON and BIN chunks of a GLB, as glTF-Transform's readJSON takes them. */
function glbToJSON(bytes: Uint8Array<ArrayBuffer>, file: string): JSONDocument {
  const bad = () => new PackReadError(`${file} is not a valid GLB file`);
  if (!isGLB(bytes) || bytes.byteLength < 20) throw bad();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== JSON_CHUNK || 20 + jsonLength > bytes.byteLength) throw bad();
  let json: JSONDocument['json'];
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength)));
  } catch {
    throw bad();
  }
  const resources: JSONDocument['resources'] = {};
  const binStart = 20 + jsonLength;
  if (binStart + 8 <= bytes.byteLength && view.getUint32(binStart + 4, true) === BIN_CHUNK) {
    const binLength = view.getUint32(binStart, true);
    if (binStart + 8 + binLength > bytes.byteLength) throw bad();
    resources[GLB_BUFFER] = bytes.subarray(binStart + 8, binStart + 8 + binLength);
  }
  return { json, resources };
}

/** The bytes of the pack file an image URI of a part names, when the manifest lists that file. */
async function readImageFile(uri: string, context: PartFileContext): Promise<Uint8Array<ArrayBuffer>> {
  const refuse = (why: string) =>
    new PackReadError(`${context.file} refers to the image ${JSON.stringify(uri)}, ${why}`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    throw refuse('a malformed URI');
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.startsWith('/') || decoded.includes('\\'))
    throw refuse('which is not a file of the pack');
  const path = posix.normalize(posix.join(posix.dirname(context.file), decoded));
  const entry = (context.manifest.files ?? []).find((file) => file.path === path);
  if (!entry || path.startsWith('../')) throw refuse('which the manifest does not list');
  if ((await pathState(context.dir, path)).kind !== 'file') throw refuse('which is missing');
  const bytes = new Uint8Array(await readFile(packPath(context.dir, path)));
  if (context.verify && (bytes.byteLength !== entry.byteLength || sha256Hex(bytes) !== entry.sha256))
    throw refuse('which does not match the manifest (size or sha256 differ)');
  return bytes;
}
