import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ModelReadError } from '../errors.js';
import type { PeekedJSON } from './glb-container.js';

/**
 * External resources must stay inside the model's folder: a .gltf is untrusted input, and a URI such
 * as `../../.ssh/id_rsa`, `/etc/passwd` or `file:///etc/passwd` would otherwise be read and embedded
 * in the parts that the user then shares. So: no scheme other than `data:` (no `file:`, no network),
 * no absolute path, nothing that resolves outside the folder, symlinks included (the real path must be
 * inside the folder's real path), and only regular files (not `/dev/zero`, not a FIFO that would hang).
 * Returns the byte length of each external buffer, by index, for the preflight's size checks.
 */
export async function assertResourcesInside(
  json: PeekedJSON,
  modelPath: string,
  source: string,
): Promise<Map<number, number>> {
  const folder = resolve(dirname(modelPath));
  const realFolder = await realpath(folder).catch(() => folder);
  const bufferLengths = new Map<number, number>();
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
        continue; // missing: glTF-Transform reports it as a missing resource
      }
      if (real !== realFolder && !real.startsWith(realFolder + sep))
        refuse('(a link that leads outside its folder)');
      const info = await stat(real);
      if (!info.isFile()) refuse('(not a regular file)');
      if (key === 'buffers') bufferLengths.set(index, info.size);
    }
  }
  return bufferLengths;
}

/** Whether buffers or images point at files beside the model (not data: URIs, not the GLB chunk). */
export function hasExternalURIs(json: { buffers?: unknown; images?: unknown }): boolean {
  const uris = [json.buffers, json.images].flatMap((list) =>
    Array.isArray(list) ? list.map((item) => (item as { uri?: unknown } | null)?.uri) : [],
  );
  return uris.some((uri) => typeof uri === 'string' && !uri.startsWith('data:'));
}
