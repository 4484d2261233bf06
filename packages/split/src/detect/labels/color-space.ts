/**
 * 8-bit sRGB to CIELAB (D65), and the nearest common colour name. Written here rather than taken
 * from culori (the colour library of the field): importing culori took 500–630 ms on this project's
 * machine (it loads every colour space), far more than `meshparts inspect` takes in all, and the
 * conversion is the standard formula (IEC 61966-2-1, CIE 1976).
 */

/** sRGB channel (0–255) to linear light (0–1). */
function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116;
}

/** CIELAB (D65) of an 8-bit sRGB colour: [L* 0–100, a*, b*]. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const lr = linear(r);
  const lg = linear(g);
  const lb = linear(b);
  // sRGB primaries to XYZ, divided by the D65 white point.
  const x = (0.4123908 * lr + 0.3575843 * lg + 0.1804808 * lb) / 0.95047;
  const y = 0.212639 * lr + 0.7151687 * lg + 0.0721923 * lb;
  const z = (0.0193308 * lr + 0.1191948 * lg + 0.9505322 * lb) / 1.08883;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * Common colour names a person would use for a part, with a typical sRGB value each. Deliberately
 * short (no `papayawhip`): `{color}` names a part, it does not describe a paint.
 */
const COMMON_COLORS: ReadonlyArray<readonly [string, number, number, number]> = [
  ['black', 0, 0, 0],
  ['gray', 128, 128, 128],
  ['silver', 192, 192, 192],
  ['white', 255, 255, 255],
  ['red', 220, 30, 30],
  ['maroon', 128, 0, 0],
  ['orange', 255, 140, 0],
  ['brown', 139, 90, 43],
  ['beige', 225, 205, 160],
  ['yellow', 255, 220, 0],
  ['olive', 128, 128, 0],
  ['green', 30, 160, 40],
  ['lime', 150, 230, 40],
  ['teal', 0, 128, 128],
  ['cyan', 0, 220, 230],
  ['blue', 30, 70, 220],
  ['navy', 0, 0, 128],
  ['purple', 128, 40, 160],
  ['magenta', 230, 0, 200],
  ['pink', 255, 150, 190],
];

const COMMON_LABS = COMMON_COLORS.map(([name, r, g, b]) => [name, srgbToLab(r, g, b)] as const);

/** The common colour name nearest to an 8-bit sRGB colour (CIELAB distance). */
export function colorName(r: number, g: number, b: number): string {
  const [l, a, bb] = srgbToLab(r, g, b);
  let best = COMMON_LABS[0]![0];
  let bestDistance = Infinity;
  for (const [name, lab] of COMMON_LABS) {
    const distance = (lab[0] - l) ** 2 + (lab[1] - a) ** 2 + (lab[2] - bb) ** 2;
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
