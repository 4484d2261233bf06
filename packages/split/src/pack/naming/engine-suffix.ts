import { truncateUtf8 } from './utf8.js';

/**
 * Name suffixes Godot 4's scene importer acts on in NODE and MESH names
 * (editor/import/3d/resource_importer_scene.cpp, `_pre_fix_node`; Godot docs, "Node type customization
 * using name suffixes"): remove the node (`noimp`), add or become a collider (`col`, `convcol`,
 * `colonly`, `convcolonly`), a navigation mesh (`navmesh`), an occluder (`occ`, `occonly`), a rigid
 * body (`rigid`), a vehicle body or wheel (`vehicle`, `wheel`). A part's name is its file's node and
 * mesh name, so these are the ones that matter. Not listed, on purpose: `loop`, `loops`, `cycle` and
 * `loop_mode` act on ANIMATION names, `vcol` and `alpha` on MATERIAL names, and meshparts names
 * neither: guarding them would only mangle names such as "mesh with LINE_LOOP".
 */
export const ENGINE_IMPORT_SUFFIXES: readonly string[] = [
  'noimp',
  'col',
  'convcol',
  'colonly',
  'convcolonly',
  'navmesh',
  'occ',
  'occonly',
  'rigid',
  'vehicle',
  'wheel',
];

/** Appended to a name that would trigger an importer action: `door-col` → `door-col_part`. */
export const ENGINE_SUFFIX_GUARD = '_part';

/**
 * Godot first strips trailing ASCII digits, spaces, control characters and `_` (to see through
 * Blender's `.001`, which its glTF importer turns into `_001`): `front_wheel_2` counts as `-wheel`.
 */
const GODOT_TRAILING = /[0-9\p{Cc} _]+$/u;
const SUFFIX = new RegExp(`[-_](?:${ENGINE_IMPORT_SUFFIXES.join('|')})$`, 'iu');
const DOLLAR = new RegExp(`\\$(?:${ENGINE_IMPORT_SUFFIXES.join('|')})`, 'iu');

/**
 * Whether Godot's importer would treat `name` as carrying a node import hint, exactly as Godot 4's
 * `_teststr` matches: after stripping trailing digits, spaces and `_`, the name ends in `-<suffix>` or
 * `_<suffix>`, or holds `$<suffix>` anywhere, case-insensitively.
 */
export function hasEngineImportSuffix(name: string): boolean {
  const stem = name.replace(GODOT_TRAILING, '');
  return SUFFIX.test(stem) || DOLLAR.test(stem);
}

/**
 * `name` unchanged when it carries no import hint; otherwise `name` + `_part` (a `$` becomes `_`
 * first, since Godot matches `$<suffix>` anywhere), cutting the name first (between grapheme
 * clusters) so that the result stays within `maxLength` UTF-8 bytes. Appending keeps the user's words
 * intact and readable (`wall-col_part`); a name ending in `_part` is no hint, and neither is one that
 * ends in `_part_<digits>` (what deduplication may add).
 */
export function guardEngineSuffix(name: string, maxLength: number): string {
  if (!hasEngineImportSuffix(name)) return name;
  const room = maxLength - ENGINE_SUFFIX_GUARD.length;
  return truncateUtf8(name.replaceAll('$', '_'), room).replace(/[\s.]+$/u, '') + ENGINE_SUFFIX_GUARD;
}
