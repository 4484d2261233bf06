/**
 * Exporter debris in source names: what 3D tools append to a name without meaning anything to the
 * user. trimesh and several OBJ/FBX importers name a node after its file (`barrel_1.obj`, and a
 * counter after it: `barrel_1.obj_3`); Blender makes a duplicate unique with `.001`, `.002`, ... It is
 * dropped from file names, never from `sourceName`.
 */

/** Model file extensions that importers leave inside node and mesh names. */
const MODEL_EXTENSIONS = [
  '3ds',
  '3mf',
  'abc',
  'blend',
  'c4d',
  'dae',
  'fbx',
  'glb',
  'gltf',
  'lwo',
  'ma',
  'max',
  'mb',
  'obj',
  'off',
  'ply',
  'stl',
  'usd',
  'usda',
  'usdc',
  'usdz',
  'wrl',
  'x3d',
];

/** `.obj` (any case) where a word ends: followed by the end, `_`, `-`, `.` or a space. */
const FILE_EXTENSION = new RegExp(`\\.(?:${MODEL_EXTENSIONS.join('|')})(?=$|[-_.\\s])`, 'giu');
/** Blender's duplicate counter: exactly three digits after a dot, at the end (possibly repeated). */
const BLENDER_COUNTER = /(?:\.\d{3})+$/u;

/**
 * `name` without exporter debris: `barrel_1.obj_3` → `barrel_1_3`, `Cube.001` → `Cube`,
 * `wheel.fbx` → `wheel`. Two names that differ only by debris become equal here; the deduplication
 * that follows (`Cube`, `Cube_2`) keeps the final names unique. A name that is nothing but debris
 * is returned unchanged (`.001` stays a name rather than becoming empty).
 */
export function dropExporterDebris(name: string): string {
  const cleaned = name.replace(FILE_EXTENSION, '').replace(BLENDER_COUNTER, '');
  return cleaned.trim() === '' ? name : cleaned;
}
