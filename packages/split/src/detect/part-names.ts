import type { Node } from '@gltf-transform/core';
import { dropExporterDebris } from '../pack/naming/debris.js';
import type { PlannedPart } from './detect-parts.js';

/**
 * Names from the model when nodes say nothing. Segmenters and converters name nodes `geometry_0`,
 * `Object_3`, `mesh_2`, `part_7`, `tripo_part_12`, or after the file they came from
 * (`barrel_1.obj`, `barrel_1.obj_1`, as trimesh does): such a name tells the user nothing about the
 * part. Materials and meshes often do.
 */

/** A name that only numbers a part. */
const NUMBERED =
  /^(?:geometry|object|mesh|part|tripo_part|node|primitive|group|default|untitled)[ _.-]?\d*$/iu;
/** Material names exporters and DCC tools give by default: no more a part's name than `geometry_3`. */
const DEFAULT_MATERIAL =
  /^(?:material|mat|default|default_?material|lambert|phong|blinn|standard_?surface|initial_?shading_?group|scene[ _-]*root|none|no_?material|untitled)(?:[ _.-]?\d*)$/iu;
/** Whether a name is a file's (`barrel_1.obj`, `barrel_1.obj_1`): naming's debris rule finds a model file extension in it. */
function namesAFile(name: string): boolean {
  const withoutCounter = name.replace(/(?:\.\d{3})+$/u, '');
  return dropExporterDebris(withoutCounter) !== withoutCounter;
}

/** Whether a model's name for a part says nothing about it: empty, a numbered generic word, or a file name. */
export function isGenericName(name: string): boolean {
  const trimmed = name.trim();
  return trimmed === '' || NUMBERED.test(trimmed) || namesAFile(trimmed);
}

/** The materials a node's mesh draws with (one primitive may have none). */
function materialNamesOf(part: Pick<PlannedPart, 'mesh' | 'primitive'>): string[] {
  const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
  return [...new Set(primitives.map((primitive) => primitive.getMaterial()?.getName() ?? ''))];
}

/** What {@link nameGenericParts} reads of a part: its name, its materials' names, its mesh's name. */
export interface NamedPartFacts {
  sourceName: string;
  materialNames: () => string[];
  meshName: () => string;
}

/**
 * For parts whose name is generic, a better name from the model, in place: the part's material name
 * when the part draws with one named material that no other part uses (distinct), else its mesh's
 * name when that is not generic. A part with a meaningful name keeps it.
 */
export function nameGenericParts(parts: PlannedPart[]): void {
  const facts = parts.map((part) => ({
    sourceName: part.sourceName,
    materialNames: () => materialNamesOf(part),
    meshName: () => part.mesh.getName(),
  }));
  nameGenericFacts(facts);
  for (const [i, part] of parts.entries()) part.sourceName = facts[i]!.sourceName;
}

/** {@link nameGenericParts} on the facts of the parts, however they were read (fast/ reads JSON). */
export function nameGenericFacts(parts: NamedPartFacts[]): void {
  const generic = parts.filter((part) => isGenericName(part.sourceName));
  if (generic.length === 0) return;
  const usesOf = new Map<string, number>();
  const materialsOf = new Map<NamedPartFacts, string[]>();
  for (const part of parts) {
    const names = part.materialNames();
    materialsOf.set(part, names);
    for (const name of names) usesOf.set(name, (usesOf.get(name) ?? 0) + 1);
  }
  for (const part of generic) {
    const materials = materialsOf.get(part)!;
    const material = materials.length === 1 ? materials[0]! : '';
    if (
      material &&
      !isGenericName(material) &&
      !DEFAULT_MATERIAL.test(material) &&
      usesOf.get(material) === 1
    ) {
      part.sourceName = material;
      continue;
    }
    const mesh = part.meshName();
    if (mesh && !isGenericName(mesh)) part.sourceName = mesh;
  }
}

/**
 * Where the offline segmenter records the constituents of a merged part in its Tripo-layout output
 * (node extras), so that the split of that file lists them in the manifest: `extras.meshparts.sourceNames`.
 */
export const SOURCE_NAMES_EXTRAS = 'meshparts';

/** The constituents recorded on a node by the offline segmenter, if any (checked: it is untrusted input). */
export function recordedSourceNames(node: Node): string[] | null {
  const extras = node.getExtras() as Record<string, unknown>;
  const record = extras[SOURCE_NAMES_EXTRAS];
  if (!record || typeof record !== 'object') return null;
  const names = (record as Record<string, unknown>).sourceNames;
  if (!Array.isArray(names) || names.length < 2 || names.length > 10_000) return null;
  if (!names.every((name) => typeof name === 'string' && name.length <= 1000)) return null;
  return names as string[];
}

/** Removes the record (see {@link recordedSourceNames}) so part files do not carry it. */
export function clearRecordedSourceNames(node: Node): void {
  const extras = { ...(node.getExtras() as Record<string, unknown>) };
  if (!(SOURCE_NAMES_EXTRAS in extras)) return;
  delete extras[SOURCE_NAMES_EXTRAS];
  node.setExtras(extras);
}

/** Records constituents on a node (see {@link recordedSourceNames}). */
export function recordSourceNames(node: Node, names: readonly string[]): void {
  node.setExtras({
    ...(node.getExtras() as Record<string, unknown>),
    [SOURCE_NAMES_EXTRAS]: { sourceNames: [...names] },
  });
}
