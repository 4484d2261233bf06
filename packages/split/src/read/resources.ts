import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ModelReadError } from '../errors.js';
import type { PeekedJSON } from './glb-container.js';

/**
 * External resources must stay inside the model's folder: a .gltf is untrusted input, and a URI such
 * as `../../.ssh/id_rsa`, `/etc/passwd` or `file:///etc/passwd` would otherwise be read and embedded
 * in the parts that the user then shares. So: no scheme other than `data:` (no `file:`, no network),
 * no absolute path, nothing that resolves outside the folder, symlinks included (the real path must be
 * inside the folder's real path), and only regular files (not `/dev/zero`, not a FIFO that would hang).
 * Returns the byte length of each external buffer, by index, for the preflight's size checks, and
 * what was checked, for {@link readCheckedResources} (which reads exactly those files, safely).
 */
export async function assertResourcesInside(
  json: PeekedJSON,
  modelPath: string,
  source: string,
): Promise<CheckedResources> {
  const folder = resolve(dirname(modelPath));
  const realFolder = await realpath(folder).catch(() => folder);
  const bufferLengths = new Map<number, number>();
  const files = new Map<string, CheckedFile>();
  for (const [key, list] of [
    ['buffers', json.buffers],
    ['images', json.images],
  ] as const) {
    if (!Array.isArray(list)) continue;
    for (const [index, item] of list.entries()) {
      const uri = (item as { uri?: unknown } | null)?.uri;
      if (typeof uri !== 'string' || uri.startsWith('data:')) continue;
      const refuse = (why: string): never => {
        throw new ModelReadError(
          source,
          `${source} refers to ${JSON.stringify(uri)} ${why}; refusing to read it`,
        );
      };
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) refuse('(a URL, not a file beside the model)');
      let decoded: string;
      try {
        decoded = decodeURIComponent(uri);
      } catch {
        throw new ModelReadError(source, `${source} has a malformed resource URI ${JSON.stringify(uri)}`);
      }
      const target = resolve(folder, decoded);
      if (isAbsolute(decoded) || (target !== folder && !target.startsWith(folder + sep))) {
        refuse('outside its folder');
      }
      let real: string;
      try {
        real = await realpath(target);
      } catch {
        continue; // missing: reported when the resources are read
      }
      if (real !== realFolder && !real.startsWith(realFolder + sep))
        refuse('(a link that leads outside its folder)');
      const info = await stat(real);
      if (!info.isFile()) refuse('(not a regular file)');
      if (key === 'buffers') bufferLengths.set(index, info.size);
      files.set(uri, { real, size: info.size, dev: info.dev, ino: info.ino });
    }
  }
  return { bufferLengths, files };
}

/** One external resource as {@link assertResourcesInside} found it. */
interface CheckedFile {
  /** Its real path (links resolved), inside the model's folder. */
  real: string;
  size: number;
  dev: number;
  ino: number;
}

/** What {@link assertResourcesInside} checked: buffer sizes by index, and each file by URI. */
export interface CheckedResources {
  bufferLengths: Map<number, number>;
  files: Map<string, CheckedFile>;
}

/**
 * Reads the external resources that {@link assertResourcesInside} checked, as glTF-Transform's
 * `readJSON` takes them (bytes by URI), so that glTF-Transform never opens a file itself. Between the
 * check and the read, a file could be swapped for a FIFO (whose `open` blocks until a writer comes:
 * a run that hangs for good), a link, a device or another file. So each file is opened with
 * O_NONBLOCK (a FIFO opens at once) and O_NOFOLLOW (a link put in its place is refused), and the
 * OPEN HANDLE is checked with fstat: the same regular file (device and inode) with the same size, or
 * the model is refused. A resource that was missing at check time is refused as missing.
 */
export async function readCheckedResources(
  json: PeekedJSON,
  checked: CheckedResources,
  source: string,
): Promise<Record<string, Uint8Array<ArrayBuffer>>> {
  const resources: Record<string, Uint8Array<ArrayBuffer>> = {};
  for (const list of [json.images, json.buffers]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const uri = (item as { uri?: unknown } | null)?.uri;
      if (typeof uri !== 'string' || uri.startsWith('data:') || uri in resources) continue;
      const file = checked.files.get(uri);
      if (!file)
        throw new ModelReadError(
          source,
          `cannot read ${source} as glTF: missing resource ${JSON.stringify(uri)}`,
        );
      resources[uri] = await readSameFile(file, uri, source);
    }
  }
  return resources;
}

async function readSameFile(
  file: CheckedFile,
  uri: string,
  source: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const changed = (why: string) =>
    new ModelReadError(
      source,
      `${source} refers to ${JSON.stringify(uri)}, which ${why} while it was read; refusing to read it`,
    );
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file.real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ELOOP' ? changed('became a link') : changed(`could not be opened (${code ?? 'error'})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw changed('stopped being a regular file');
    if (info.dev !== file.dev || info.ino !== file.ino || info.size !== file.size)
      throw changed('was replaced');
    const buffer = await handle.readFile();
    if (buffer.byteLength !== file.size) throw changed('changed size');
    return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
  } finally {
    await handle.close();
  }
}

/** Whether buffers or images point at files beside the model (not data: URIs, not the GLB chunk). */
export function hasExternalURIs(json: { buffers?: unknown; images?: unknown }): boolean {
  const uris = [json.buffers, json.images].flatMap((list) =>
    Array.isArray(list) ? list.map((item) => (item as { uri?: unknown } | null)?.uri) : [],
  );
  return uris.some((uri) => typeof uri === 'string' && !uri.startsWith('data:'));
}
