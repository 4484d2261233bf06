import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** sha256 of a file as lowercase hex, streamed (models can be 150 MB). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A .gltf JSON larger than this is not parsed for its external files: such a file holds its data
 * embedded (base64), and parsing it only to find none would hold it all in memory.
 */
const GLTF_JSON_MAX_BYTES = 64 * 1024 * 1024;

/**
 * What identifies a model to the pipeline (the journal, the cache, a pack's `source.sha256`, the
 * catalog): the sha256 of its file, except for a .gltf that names files beside it (a `.bin`, images).
 * Its digest is then the sha256 of the .gltf followed by each of those files, in the order its JSON
 * names them (buffers, then images), each after its URI: editing a texture or the geometry makes a
 * new model, as editing a .glb does. Before, only the JSON was hashed, and a rerun after such an edit
 * skipped the model, or split the old segmentation again from the cache.
 *
 * Only files inside the model's folder are read (as the split's readers read them): a URI that leads
 * out counts by its text alone, and a missing file by a mark, so that the digest still tells the
 * states apart while the free checks and the split say what is wrong.
 */
export async function modelDigest(path: string, signal?: AbortSignal): Promise<string> {
  if (!/\.gltf$/i.test(path) || (await stat(path)).size > GLTF_JSON_MAX_BYTES)
    return sha256File(path, signal);
  const bytes = await readFile(path, { signal });
  const uris = externalUris(bytes);
  const hash = createHash('sha256').update(bytes);
  if (uris.length === 0) return hash.digest('hex');
  const folder = dirname(resolve(path));
  for (const uri of uris) {
    hash.update(`\0${uri}\0`);
    const file = resourcePath(folder, uri);
    if (file === undefined) continue;
    try {
      for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
    } catch (error) {
      if (signal?.aborted) throw error;
      hash.update('\0missing\0');
    }
  }
  return hash.digest('hex');
}

/** The relative URIs of a glTF JSON's buffers and images (none when it does not parse). */
function externalUris(bytes: Uint8Array): string[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return [];
  }
  const uris: string[] = [];
  for (const key of ['buffers', 'images']) {
    const list = (json as Record<string, unknown> | null)?.[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const uri = (item as { uri?: unknown } | null)?.uri;
      if (typeof uri === 'string' && !/^data:/i.test(uri)) uris.push(uri);
    }
  }
  return uris;
}

/** The file a relative URI names inside `folder`, or undefined for one that leads out or is no path. */
function resourcePath(folder: string, uri: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return undefined;
  }
  const file = resolve(folder, decoded);
  const inside = relative(folder, file);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : file;
}
