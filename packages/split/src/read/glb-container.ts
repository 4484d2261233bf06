import { ModelReadError } from '../errors.js';

const GLB_MAGIC = 0x46546c67; // 'glTF'
const BIN_CHUNK = 0x004e4942; // 'BIN\0'

/**
 * Checks a GLB's container against the file: the header's total length must be the file's length (a
 * shorter file is a cut download; the Khronos validator calls any mismatch an error), and a BIN chunk
 * must fit in what follows the JSON chunk. Returns the BIN chunk's length (undefined without one, or
 * for a .gltf). The JSON chunk itself is checked by the JSON reader.
 */
export function checkGlbContainer(bytes: Uint8Array, source: string): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 20 || view.getUint32(0, true) !== GLB_MAGIC) return undefined;
  const declared = view.getUint32(8, true);
  if (declared !== bytes.byteLength) {
    throw new ModelReadError(
      source,
      declared > bytes.byteLength
        ? `${source} is truncated: its GLB header says ${declared} bytes, the file has ${bytes.byteLength}`
        : `${source} is corrupt: its GLB header says ${declared} bytes, the file has ${bytes.byteLength}`,
    );
  }
  const binStart = 20 + view.getUint32(12, true);
  if (binStart + 8 > bytes.byteLength) return undefined;
  const length = view.getUint32(binStart, true);
  if (view.getUint32(binStart + 4, true) !== BIN_CHUNK) return undefined;
  if (binStart + 8 + length > bytes.byteLength) {
    throw new ModelReadError(
      source,
      `${source} is corrupt: its BIN chunk says ${length} bytes, the file has ${bytes.byteLength - binStart - 8} after it`,
    );
  }
  return length;
}
