/**
 * The thumbnail's light rig, fixed in world space (the camera is fixed too): a sky/ground hemisphere
 * for ambient, a key light from above, front and left of the camera, and a weak fill from the right.
 * White lights, so colours keep their hue; diffuse only (no specular: the renderer knows no
 * roughness, and highlights on a 256-pixel image read as noise). For a cube seen by the thumbnail
 * camera the top, front and right faces get about 0.97, 0.65 and 0.47 of the albedo: three
 * distinct shades, so the shape reads.
 */
export const THUMBNAIL_LIGHTS = Object.freeze({
  /** Ambient light on a surface facing straight up. */
  sky: 0.35,
  /** Ambient light on a surface facing straight down. */
  ground: 0.12,
  /** Toward the key light (normalised at load). */
  keyDirection: Object.freeze([-0.4, 0.9, 0.6] as const),
  keyIntensity: 0.7,
  /** Toward the fill light (normalised at load). */
  fillDirection: Object.freeze([1, 0.3, 0.2] as const),
  fillIntensity: 0.25,
});

function unit(v: readonly [number, number, number]): readonly [number, number, number] {
  const length = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / length, v[1] / length, v[2] / length];
}

const KEY = unit(THUMBNAIL_LIGHTS.keyDirection);
const FILL = unit(THUMBNAIL_LIGHTS.fillDirection);
const HEMI_MID = (THUMBNAIL_LIGHTS.sky + THUMBNAIL_LIGHTS.ground) / 2;
const HEMI_HALF = (THUMBNAIL_LIGHTS.sky - THUMBNAIL_LIGHTS.ground) / 2;

/**
 * Light reaching a surface of unit normal (x, y, z), as a factor of its albedo. Returns NaN for a
 * zero or non-finite normal (the caller falls back to the triangle's own plane).
 */
export function lightIntensity(x: number, y: number, z: number): number {
  const length = Math.sqrt(x * x + y * y + z * z);
  if (!(length > 1e-20 && length < Infinity)) return Number.NaN;
  const nx = x / length;
  const ny = y / length;
  const nz = z / length;
  const key = nx * KEY[0] + ny * KEY[1] + nz * KEY[2];
  const fill = nx * FILL[0] + ny * FILL[1] + nz * FILL[2];
  return (
    HEMI_MID +
    HEMI_HALF * ny +
    (key > 0 ? THUMBNAIL_LIGHTS.keyIntensity * key : 0) +
    (fill > 0 ? THUMBNAIL_LIGHTS.fillIntensity * fill : 0)
  );
}
