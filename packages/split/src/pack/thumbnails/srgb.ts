/**
 * sRGB transfer functions as lookup tables: textures arrive sRGB-encoded and the image leaves
 * sRGB-encoded, while shading and filtering happen in linear light (averaging sRGB values darkens
 * edges and mip levels). The tables are built once at module load and never written afterwards.
 */

/** Linear value of each 8-bit sRGB code. */
export const SRGB_TO_LINEAR: Float32Array = (() => {
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    table[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return table;
})();

/** Steps per 8-bit code of {@link SRGB_TO_LINEAR_FINE}. */
export const SRGB_FINE_STEPS = 16;

/**
 * Linear value of fractional sRGB codes, at 1/16 of a code: for a bilinear blend of four texels
 * computed on their sRGB codes and converted once (see TextureSampler).
 */
export const SRGB_TO_LINEAR_FINE: Float32Array = (() => {
  const table = new Float32Array(255 * SRGB_FINE_STEPS + 1);
  for (let i = 0; i < table.length; i++) {
    const c = i / (255 * SRGB_FINE_STEPS);
    table[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return table;
})();

/** Resolution of {@link LINEAR_TO_SRGB}: 4096 steps keep every step under one 8-bit sRGB code. */
export const LINEAR_STEPS = 4095;

/** 8-bit sRGB code of linear value i / LINEAR_STEPS. */
export const LINEAR_TO_SRGB: Uint8Array = (() => {
  const table = new Uint8Array(LINEAR_STEPS + 1);
  for (let i = 0; i <= LINEAR_STEPS; i++) {
    const c = i / LINEAR_STEPS;
    const s = c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055;
    table[i] = Math.round(s * 255);
  }
  return table;
})();

/** 8-bit sRGB code of a linear value (clamped to [0, 1]; NaN gives 0). */
export function linearToSrgb8(value: number): number {
  const i = Math.round(value * LINEAR_STEPS);
  return i > 0 ? LINEAR_TO_SRGB[Math.min(i, LINEAR_STEPS)]! : 0;
}
