import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';

/**
 * Opens a model file for reading with O_NONBLOCK and checks it as opened, as @meshparts/split's
 * readModel does: a model swapped for a FIFO after the folder scan saw a file would otherwise block
 * the open until a writer came, and the run would hang for good. Anything but a regular file is
 * refused (code ENOTREGULAR). The caller closes the handle.
 */
async function openRegular(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  if ((await handle.stat()).isFile()) return handle;
  await handle.close();
  throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTREGULAR' });
}

/** sha256 of a file as lowercase hex, streamed (models can be 150 MB). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const handle = await openRegular(path);
  try {
    const hash = createHash('sha256');
    const stream = handle.createReadStream({ autoClose: false, ...(signal ? { signal } : {}) });
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
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
 * names them (images, then buffers, as the split reads them), each after its URI: editing a texture
 * or the geometry makes a new model, as editing a .glb does. Before, only the JSON was hashed, and a
 * rerun after such an edit skipped the model, or split the old segmentation again from the cache.
 *
 * The files are read through the split's own checks (`assertResourcesInside`,
 * `readCheckedResources`: inside the model's folder, links included, regular files only, the same
 * file when opened, so a FIFO cannot hang the run). A .gltf those checks refuse (a URI that leads
 * out, a missing file) keeps the sha256 of its JSON alone, as before: the free checks and the split
 * then refuse it with their own message.
 */
export async function modelDigest(path: string, signal?: AbortSignal): Promise<string> {
  if (!/\.gltf$/i.test(path) || (await stat(path)).size > GLTF_JSON_MAX_BYTES)
    return sha256File(path, signal);
  const handle = await openRegular(path);
  const bytes = await handle.readFile({ signal }).finally(() => handle.close());
  const hash = createHash('sha256').update(bytes);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return hash.digest('hex');
  }
  // Only a .gltf that names files loads the split's reader.
  const { assertResourcesInside, readCheckedResources } = await import('@meshparts/split/pack');
  let resources: Record<string, Uint8Array>;
  try {
    resources = await readCheckedResources(json, await assertResourcesInside(json, path, path), path);
  } catch (error) {
    if (signal?.aborted) throw error;
    return hash.digest('hex');
  }
  for (const [uri, content] of Object.entries(resources)) hash.update(`\0${uri}\0`).update(content);
  return hash.digest('hex');
}
