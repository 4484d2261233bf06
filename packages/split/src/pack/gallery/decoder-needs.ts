import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PART_FILE } from '../manifest.js';
import { DECODER_EXTENSIONS, DECODERS, type Decoder } from './three-files.js';

/** GLB header (12 bytes) plus the first chunk's header (8 bytes). */
const GLB_PREFIX_BYTES = 20;
const GLB_MAGIC = 0x46546c67; // 'glTF'
const CHUNK_JSON = 0x4e4f534a; // 'JSON'
/** A part's JSON chunk larger than this is not read for its extension list (the decoders are copied). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Part files read at once: enough to overlap the reads, few enough for a 500-part pack's fds. */
const READS_IN_FLIGHT = 16;

/**
 * The `extensionsUsed` of a GLB file, read from its JSON chunk only (the binary chunk is never
 * read). Returns null when the file is not a GLB this can read, so the caller can play safe.
 */
export async function glbExtensionsUsed(path: string): Promise<string[] | null> {
  const handle = await open(path, 'r');
  try {
    const prefix = Buffer.alloc(GLB_PREFIX_BYTES);
    const { bytesRead } = await handle.read(prefix, 0, GLB_PREFIX_BYTES, 0);
    if (bytesRead < GLB_PREFIX_BYTES || prefix.readUInt32LE(0) !== GLB_MAGIC) return null;
    const jsonLength = prefix.readUInt32LE(12);
    if (prefix.readUInt32LE(16) !== CHUNK_JSON || jsonLength > MAX_JSON_BYTES) return null;
    const json = Buffer.alloc(jsonLength);
    const read = await handle.read(json, 0, jsonLength, GLB_PREFIX_BYTES);
    if (read.bytesRead < jsonLength) return null;
    const used = (JSON.parse(json.toString('utf8')) as { extensionsUsed?: unknown }).extensionsUsed;
    return Array.isArray(used) ? used.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** The decoders that a set of glTF extension names calls for. */
export function decodersForExtensions(extensions: Iterable<string>): Set<Decoder> {
  const names = new Set(extensions);
  return new Set(DECODERS.filter((decoder) => names.has(DECODER_EXTENSIONS[decoder])));
}

/**
 * The decoders the part files of a pack need, from each file's `extensionsUsed`. A file that cannot
 * be read as a GLB needs every decoder (the page must not fail for a decoder that was left out).
 * Only manifest entries shaped like `parts/<name>.glb` are read: nothing outside the pack.
 */
export async function decodersForParts(packDir: string, files: readonly string[]): Promise<Set<Decoder>> {
  const needed = new Set<Decoder>();
  const queue = files.filter((file) => PART_FILE.test(file));
  const worker = async (): Promise<void> => {
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      const used = await glbExtensionsUsed(join(packDir, ...file.split('/'))).catch(() => null);
      const decoders = used === null ? DECODERS : decodersForExtensions(used);
      for (const decoder of decoders) needed.add(decoder);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, queue.length) }, worker));
  return needed;
}
