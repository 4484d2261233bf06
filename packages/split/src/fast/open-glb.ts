import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ModelLimits, resolveLimits } from '../options.js';
import { PartArena } from '../part-arena.js';
import { checkGlbContainer, isGLB, peekJSON } from '../read/glb-container.js';
import { preflightGltf } from '../read/preflight.js';
import { hasExternalURIs } from '../read/resources.js';
import { type ByteSource, FileSource, MemorySource } from './byte-source.js';

/** A GLB opened for the byte-level split: its checked JSON, and where its BIN chunk's data starts. */
export interface OpenedGlb {
  source: ByteSource;
  json: Record<string, unknown>;
  binOffset: number;
  /** File name for the manifest. */
  file: string;
}

/**
 * Opens a GLB for the byte-level split, reading only its head (header, JSON chunk, BIN chunk header)
 * and applying the checks loadModel applies to it (size limit, container, preflight). Returns null for
 * anything the byte-level split leaves to the Document path: not a GLB, external resources, and every
 * file a check refuses (loadModel then refuses it again, with its own message, so that both paths
 * fail alike).
 */
export async function openGlb(
  input: string | Uint8Array,
  limits?: Partial<ModelLimits>,
): Promise<OpenedGlb | null> {
  const resolved = resolveLimits(limits);
  const { maxFileBytes } = resolved;
  const name = typeof input === 'string' ? input : '<bytes>';
  let source: ByteSource | undefined;
  try {
    let length: number;
    if (typeof input === 'string') {
      const info = await stat(input);
      if (!info.isFile() || info.size > maxFileBytes) return null;
      length = info.size;
      source = new FileSource(input, length);
    } else {
      if (input.byteLength > maxFileBytes) return null;
      length = input.byteLength;
      source = new MemorySource(input);
    }
    if (length < 20) return close(source);
    const arena = new PartArena(64);
    const header = source.read(0, 20, arena);
    if (!isGLB(header)) return close(source);
    // A JSON chunk whose length is not a multiple of 4 (which loadModel repairs) needs nothing here:
    // the BIN chunk's data is read at whatever offset it starts.
    const jsonLength = new DataView(header.buffer, header.byteOffset, 20).getUint32(12, true);
    const head = source.copy(0, Math.min(length, 20 + jsonLength + 8));
    const json = peekJSON(head, name) as Record<string, unknown>;
    const binLength = checkGlbContainer(head, name, length);
    if (binLength === undefined || hasExternalURIs(json)) return close(source);
    preflightGltf(json, { binLength, externalLengths: new Map() }, name, resolved);
    return {
      source,
      json,
      binOffset: 20 + jsonLength + 8,
      file: typeof input === 'string' ? basename(input) : name,
    };
  } catch {
    if (source) close(source);
    return null;
  }
}

function close(source: ByteSource): null {
  source.close();
  return null;
}
