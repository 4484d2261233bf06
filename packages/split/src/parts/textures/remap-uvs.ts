import type { CropLayout } from './crop-layout.js';

/**
 * The UVs of one UV set moved into a layout: each vertex by the offset of its rectangle,
 * u' = (u·W − source x + destination x) / W' (and the same for v), computed in double precision.
 * Returns a new array: the source's is shared with other parts and never changed. Vertices that no
 * element uses are clamped to [0, 1]; nothing samples them.
 */
export function remapUvs(uvs: Float32Array, rectOf: Int32Array, layout: CropLayout): Float32Array {
  const out = new Float32Array(uvs.length);
  const { refWidth, refHeight, block, width, height, rects } = layout;
  for (let i = 0; i < rectOf.length; i++) {
    const u = uvs[i * 2]!;
    const v = uvs[i * 2 + 1]!;
    const rect = rects[rectOf[i]!];
    if (!rect) {
      out[i * 2] = Math.min(1, Math.max(0, u));
      out[i * 2 + 1] = Math.min(1, Math.max(0, v));
      continue;
    }
    out[i * 2] = (u * refWidth + (rect.dx - rect.sx) * block) / width;
    out[i * 2 + 1] = (v * refHeight + (rect.dy - rect.sy) * block) / height;
  }
  return out;
}
