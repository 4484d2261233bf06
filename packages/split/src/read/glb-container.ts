import { ModelReadError } from '../errors.js';

/** GLB container constants (glTF 2.0 spec, "Binary glTF Layout"), for the reader and the part encoder. */
export const GLB_MAGIC = 0x46546c67; // 'glTF'
export const GLB_VERSION = 2;
export const JSON_CHUNK = 0x4e4f534a; // 'JSON'
export const BIN_CHUNK = 0x004e4942; // 'BIN\0'

/**
 * Checks a GLB's container against the file: the header's total length must be the file's length (a
 * shorter file is a cut download; the Khronos validator calls any mismatch an error), and a BIN chunk
 * must fit in what follows the JSON chunk. Returns the BIN chunk's length (undefined without one, or
 * for a .gltf). The JSON chunk itself is checked by the JSON reader.
 */
export function checkGlbContainer(
  bytes: Uint8Array,
  source: string,
  fileLength = bytes.byteLength,
): number | undefined {
  // `bytes` may be the file's head only (the byte-level split reads the rest piece by piece): it holds
  // the header, the JSON chunk and the BIN chunk's header whenever the file does.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 20 || view.getUint32(0, true) !== GLB_MAGIC) return undefined;
  const declared = view.getUint32(8, true);
  if (declared !== fileLength) {
    throw new ModelReadError(
      source,
      declared > fileLength
        ? `${source} is truncated: its GLB header says ${declared} bytes, the file has ${fileLength}`
        : `${source} is corrupt: its GLB header says ${declared} bytes, the file has ${fileLength}`,
    );
  }
  const binStart = 20 + view.getUint32(12, true);
  if (binStart + 8 > fileLength || binStart + 8 > bytes.byteLength) return undefined;
  const length = view.getUint32(binStart, true);
  if (view.getUint32(binStart + 4, true) !== BIN_CHUNK) return undefined;
  if (binStart + 8 + length > fileLength) {
    throw new ModelReadError(
      source,
      `${source} is corrupt: its BIN chunk says ${length} bytes, the file has ${fileLength - binStart - 8} after it`,
    );
  }
  return length;
}

export function isGLB(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.byteLength >= 12 && view.getUint32(0, true) === GLB_MAGIC;
}

/**
 * Some exporters write a GLB whose JSON chunk length is not a multiple of 4 (the spec requires
 * padding); the BIN chunk then starts unaligned and typed-array views on it fail. The validator
 * reports it, but the data is intact: pad the JSON chunk with spaces (as the spec pads) and rebuild
 * the container. Returns the bytes unchanged when they are aligned.
 */
export function repairGLBAlignment(bytes: Uint8Array): Uint8Array {
  if (!isGLB(bytes) || bytes.byteLength < 20) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(12, true);
  if (jsonLength % 4 === 0 || 20 + jsonLength > bytes.byteLength) return bytes;
  const padded = Math.ceil(jsonLength / 4) * 4;
  const rest = bytes.subarray(20 + jsonLength);
  const out = new Uint8Array(20 + padded + rest.byteLength);
  out.set(bytes.subarray(0, 20 + jsonLength), 0);
  out.fill(0x20, 20 + jsonLength, 20 + padded);
  out.set(rest, 20 + padded);
  const outView = new DataView(out.buffer);
  outView.setUint32(8, out.byteLength, true);
  outView.setUint32(12, padded, true);
  return out;
}

/** The top-level glTF JSON fields read before the document is parsed. */
export interface PeekedJSON {
  extensionsUsed?: unknown;
  extensionsRequired?: unknown;
  buffers?: unknown;
  images?: unknown;
}

/** Reads the JSON part of a .glb or .gltf without decoding any buffer; refuses what is not glTF 2.0. */
export function peekJSON(bytes: Uint8Array, source: string): PeekedJSON {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength === 0) throw new ModelReadError(source, `${source} is empty (0 bytes)`);
  let text: string;
  if (isGLB(bytes)) {
    if (bytes.byteLength < 20) throw new ModelReadError(source, `${source} is a truncated GLB file`);
    const version = view.getUint32(4, true);
    if (version !== 2)
      throw new ModelReadError(source, `${source} is a glTF ${version} GLB: only glTF 2.0 is supported`);
    const chunkLength = view.getUint32(12, true);
    if (view.getUint32(16, true) !== JSON_CHUNK || 20 + chunkLength > bytes.byteLength) {
      throw new ModelReadError(source, `${source} is a corrupt GLB file (bad JSON chunk)`);
    }
    text = new TextDecoder().decode(bytes.subarray(20, 20 + chunkLength));
  } else {
    text = new TextDecoder().decode(bytes);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The parser's reason (with its position) helps whoever tries to fix a hand-edited .gltf; text that
    // does not even start like a JSON object is some other kind of file.
    const reason = (error as Error).message;
    if (isGLB(bytes)) {
      throw new ModelReadError(source, `${source} is a corrupt GLB file (its JSON chunk: ${reason})`);
    }
    if (text.trimStart().startsWith('{')) {
      throw new ModelReadError(source, `${source} is not valid glTF JSON: ${reason}`);
    }
    throw new ModelReadError(source, `${source} is neither a GLB file nor glTF JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelReadError(source, `${source} is not a glTF document (the JSON is not an object)`);
  }
  const asset = (json as { asset?: { version?: unknown } }).asset;
  if (!asset || typeof asset.version !== 'string' || !asset.version.startsWith('2.')) {
    throw new ModelReadError(
      source,
      `${source} is not a glTF 2.0 document (asset.version missing or not 2.x)`,
    );
  }
  return json as PeekedJSON;
}
