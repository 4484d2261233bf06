import { truncateUtf8 } from './utf8.js';

/**
 * Name suffixes Godot's scene importer acts on (editor/import/3d/resource_importer_scene.cpp,
 * "Node type customization using name suffixes" in the Godot docs): node types (`col`,
 * `colonly`, `convcol`, `convcolonly`, `noimp`, `rigid`, `navmesh`, `occ`, `occonly`, `vehicle`,
 * `wheel`), vertex colours (`vcol`) and animation looping (`loop`, `loops`, `cycle`, `loop_mode`).
 * Godot 4 matches them case-insensitively after `-`, `_` or `$`, so `Door_COL` counts too.
 */
export const ENGINE_IMPORT_SUFFIXES: readonly string[] = [
  'col',
  'colonly',
  'convcol',
  'convcolonly',
  'noimp',
  'rigid',
  'navmesh',
  'occ',
  'occonly',
  'vehicle',
  'wheel',
  'vcol',
  'loop',
  'loops',
  'loop_mode',
  'cycle',
];

/** Appended to a name that would trigger an importer action: `door-col` → `door-col_part`. */
export const ENGINE_SUFFIX_GUARD = '_part';

const SUFFIX = new RegExp(`[-_$](?:${ENGINE_IMPORT_SUFFIXES.join('|')})$`, 'iu');

/** Whether Godot's importer would treat `name` as carrying an import hint. */
export function hasEngineImportSuffix(name: string): boolean {
  return SUFFIX.test(name);
}

/**
 * `name` unchanged when it ends in no import hint; otherwise `name` + `_part`, cutting the name
 * first (between grapheme clusters) so that the result stays within `maxLength` UTF-8 bytes.
 * Appending keeps the user's words intact and readable (`wall-col_part`), and `_part` itself is
 * not a hint.
 */
export function guardEngineSuffix(name: string, maxLength: number): string {
  if (!hasEngineImportSuffix(name)) return name;
  const room = maxLength - ENGINE_SUFFIX_GUARD.length;
  return truncateUtf8(name, room).replace(/[\s.]+$/u, '') + ENGINE_SUFFIX_GUARD;
}
