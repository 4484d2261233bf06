/// <reference path="../three-loaders.d.ts" />
import { extname } from 'node:path';
import type { Document } from '@gltf-transform/core';
import { ModelLimitError, ModelReadError } from '../errors.js';
import type { ModelLimits } from '../options.js';
import { weldVertices } from './weld-vertices.js';

/**
 * Wavefront OBJ and STL, the mesh formats AI generators and 3D printing export besides glTF, converted
 * to a GLB in memory so that everything meshparts does offline (split, inspect, the local segmenter)
 * reads them. The API takes them as they are: this is only for the work done here.
 *
 * Parsed by three.js's OBJLoader and STLLoader (three is already this package's dependency, for the
 * gallery; both parse in Node without a DOM), then welded (weld-vertices.ts: the loaders give three
 * vertices per triangle; welded, a file is a third of the size and its pieces are connected again)
 * and built into a glTF-Transform Document.
 *
 * What a part keeps:
 * - OBJ: each object (`o`) or group (`g`) is a mesh node named after it, each `usemtl` a primitive
 *   with a material of that name; positions, normals (when the file has `vn` lines: the ones three
 *   makes up otherwise are face normals, left out as an STL's), texture coordinates, vertex colours. Lines and
 *   points are left out (a part is a surface). The `.mtl` file is not read: materials are a plain
 *   light grey under their own names (the API is given the .obj alone too).
 * - STL: each `solid` of an ASCII file is a mesh node named after it; a binary file is one mesh, with
 *   its per-face colours (the VisCAM/SolidView convention) as vertex colours. Face normals are not
 *   kept: without NORMAL, glTF viewers shade flat, which is what an STL's facets are, and vertices of
 *   neighbouring facets weld into one surface.
 * Coordinates are taken as they are: glTF is Y-up in metres, OBJ and STL have no convention; a Z-up
 * model (common for STL) lies on its back, as it does in three.js's own viewers.
 */

export type ImportedMeshFormat = 'obj' | 'stl';

/** The format of a file converted here, from its extension (any case), or null for anything else. */
export function importedMeshFormat(path: string): ImportedMeshFormat | null {
  const extension = extname(path).toLowerCase();
  return extension === '.obj' ? 'obj' : extension === '.stl' ? 'stl' : null;
}

/** A grey a little lighter than middle: what viewers show for an untextured, uncoloured surface. */
const PLAIN_GREY: [number, number, number, number] = [0.8, 0.8, 0.8, 1];

interface MeshGroup {
  name: string;
  /** One entry per material range: flat arrays, three vertices per triangle. */
  primitives: {
    material: string;
    position: Float32Array;
    normal?: Float32Array;
    uv?: Float32Array;
    color?: Float32Array;
  }[];
}

/** A three.js attribute as these loaders make it (a Float32BufferAttribute or a BufferAttribute of one). */
interface AttributeLike {
  array: Float32Array;
  itemSize: number;
}

interface GeometryLike {
  attributes: Record<string, AttributeLike | undefined>;
  groups: { start: number; count: number; materialIndex?: number }[];
  userData: { groupNames?: string[] };
}

/** Elements `[start, start + count)` (vertices) of a flat attribute of `size` numbers per vertex. */
function range(attribute: AttributeLike | undefined, start: number, count: number): Float32Array | undefined {
  if (!attribute || attribute.array.length === 0) return undefined;
  const size = attribute.itemSize;
  return attribute.array.slice(start * size, (start + count) * size);
}

/** STL: checks that a binary file is as long as its triangle count says, before three allocates for it. */
function checkStl(bytes: Uint8Array, source: string, limits: Pick<ModelLimits, 'maxVertices'>): void {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 85)));
  const exact = isExactBinary(bytes);
  if (!exact && /^(\uFEFF|\xEF\xBB\xBF)?\s*solid/.test(text)) return;
  if (bytes.length < 84)
    throw new ModelReadError(source, `${source} is not an STL file: ${bytes.length} bytes, too short`);
  if (!exact) {
    const faces = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
    throw new ModelReadError(
      source,
      `${source} is not an STL file: as binary STL it says ${faces} triangles, which take ${
        84 + 50 * faces
      } bytes, and it has ${bytes.length}; as ASCII STL it does not start with "solid"`,
    );
  }
  const faces = (bytes.length - 84) / 50;
  if (faces * 3 > limits.maxVertices)
    throw new ModelLimitError(
      source,
      `${source} has ${faces} triangles (${faces * 3} vertices before welding), over the limit of ${limits.maxVertices} vertices (--max-vertices)`,
      'maxVertices',
      faces * 3,
      limits.maxVertices,
    );
}

function isExactBinary(bytes: Uint8Array): boolean {
  if (bytes.length < 84) return false;
  const faces = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  return 84 + 50 * faces === bytes.length;
}

/** The meshes of an STL file (see the module comment). */
async function stlGroups(
  bytes: Uint8Array,
  source: string,
  limits: Pick<ModelLimits, 'maxVertices'>,
): Promise<MeshGroup[]> {
  checkStl(bytes, source, limits);
  const { STLLoader } = await import('three/examples/jsm/loaders/STLLoader.js');
  const copy = bytes.slice().buffer;
  const geometry = new STLLoader().parse(copy) as unknown as GeometryLike & { hasColors?: boolean };
  const position = geometry.attributes.position;
  const vertices = position ? position.array.length / 3 : 0;
  const groups = geometry.groups.length > 0 ? geometry.groups : [{ start: 0, count: vertices }];
  const names = geometry.userData.groupNames ?? [];
  return groups.map((group, index) => ({
    name: names[index]?.trim() || (groups.length > 1 ? `solid_${index}` : ''),
    primitives: [
      {
        material: '',
        position: range(position, group.start, group.count) ?? new Float32Array(0),
        ...(geometry.hasColors ? { color: range(geometry.attributes.color, group.start, group.count) } : {}),
      },
    ],
  }));
}

/** The meshes of an OBJ file (see the module comment). */
async function objGroups(bytes: Uint8Array, source: string): Promise<MeshGroup[]> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ModelReadError(source, `${source} is not an OBJ file: it is not UTF-8 text`);
  }
  if (text.includes('\0'))
    throw new ModelReadError(source, `${source} is not an OBJ file: it holds binary data`);
  const { OBJLoader } = await import('three/examples/jsm/loaders/OBJLoader.js');
  const root = new OBJLoader().parse(text) as unknown as {
    children: {
      name: string;
      isMesh?: boolean;
      geometry: GeometryLike;
      material: { name: string } | { name: string }[];
    }[];
  };
  // An OBJ without `vn` lines gets face normals from the loader, one per triangle: they are not the
  // file's, and they would keep every triangle's vertices apart (no welding). Left out, as an STL's.
  const ownNormals = /^[ \t]*vn[ \t]/m.test(text);
  const groups: MeshGroup[] = [];
  for (const child of root.children) {
    if (!child.isMesh) continue;
    const { geometry } = child;
    const materials = Array.isArray(child.material) ? child.material : [child.material];
    const position = geometry.attributes.position;
    const vertices = position ? position.array.length / 3 : 0;
    const ranges =
      geometry.groups.length > 0 ? geometry.groups : [{ start: 0, count: vertices, materialIndex: 0 }];
    groups.push({
      name: child.name,
      primitives: ranges
        .filter((group) => group.count >= 3)
        .map((group) => ({
          material: materials[group.materialIndex ?? 0]?.name ?? '',
          position: range(position, group.start, group.count)!,
          ...(ownNormals
            ? optional('normal', range(geometry.attributes.normal, group.start, group.count))
            : {}),
          ...optional('uv', range(geometry.attributes.uv, group.start, group.count)),
          ...optional('color', range(geometry.attributes.color, group.start, group.count)),
        })),
    });
  }
  return groups;
}

function optional<K extends string>(
  key: K,
  value: Float32Array | undefined,
): Partial<Record<K, Float32Array>> {
  return value ? ({ [key]: value } as Record<K, Float32Array>) : {};
}

/** A Document of the groups: a scene of one mesh node per group, materials shared by name. */
function documentOf(groups: MeshGroup[], DocumentClass: typeof Document): Document {
  const document = new DocumentClass();
  const buffer = document.createBuffer();
  const scene = document.createScene('Scene');
  document.getRoot().setDefaultScene(scene);
  const materials = new Map<string, ReturnType<Document['createMaterial']>>();
  const materialOf = (name: string) => {
    let material = materials.get(name);
    if (!material) {
      material = document
        .createMaterial(name)
        .setBaseColorFactor(PLAIN_GREY)
        .setRoughnessFactor(0.8)
        .setMetallicFactor(0);
      materials.set(name, material);
    }
    return material;
  };
  const accessor = (type: 'VEC2' | 'VEC3', array: Float32Array) =>
    document.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  for (const group of groups) {
    const primitives = group.primitives.filter((primitive) => primitive.position.length >= 9);
    if (primitives.length === 0) continue;
    const mesh = document.createMesh(group.name);
    for (const source of primitives) {
      const semantics = (
        [
          ['POSITION', 'VEC3', 3, source.position],
          ['NORMAL', 'VEC3', 3, source.normal],
          ['TEXCOORD_0', 'VEC2', 2, source.uv],
          ['COLOR_0', 'VEC3', 3, source.color],
        ] as const
      ).filter((entry): entry is typeof entry & { 3: Float32Array } => entry[3] !== undefined);
      const welded = weldVertices(
        semantics.map((entry) => entry[3]),
        semantics.map((entry) => entry[2]),
        source.position.length / 3,
      );
      const primitive = document.createPrimitive().setMaterial(materialOf(source.material));
      for (const [k, [semantic, type]] of semantics.entries())
        primitive.setAttribute(semantic, accessor(type, welded.attributes[k]!));
      const vertices = welded.attributes[0]!.length / 3;
      const indices = vertices <= 65535 ? Uint16Array.from(welded.indices) : welded.indices;
      primitive.setIndices(document.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
      mesh.addPrimitive(primitive);
    }
    scene.addChild(document.createNode(group.name).setMesh(mesh));
  }
  return document;
}

/**
 * Converts an OBJ or STL file's bytes into GLB bytes (see the module comment), for loadModel, which
 * has checked the file's size and then preflights the GLB (the vertex limit, after welding). Throws
 * ModelReadError for a file that is not of its format or holds no triangles, and ModelLimitError for
 * a binary STL whose triangles are over `maxVertices`, checked before it is parsed.
 */
export async function importMesh(
  bytes: Uint8Array,
  format: ImportedMeshFormat,
  source: string,
  limits: Pick<ModelLimits, 'maxVertices'>,
): Promise<Uint8Array> {
  let groups: MeshGroup[];
  try {
    groups = format === 'stl' ? await stlGroups(bytes, source, limits) : await objGroups(bytes, source);
  } catch (error) {
    if (error instanceof ModelReadError || error instanceof ModelLimitError) throw error;
    throw new ModelReadError(
      source,
      `${source} is not a readable ${format.toUpperCase()} file: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const core = await import('@gltf-transform/core');
  const document = documentOf(groups, core.Document);
  if (document.getRoot().listMeshes().length === 0)
    throw new ModelReadError(
      source,
      `${source} holds no triangles (an ${format.toUpperCase()} of lines or points only, or empty)`,
    );
  const io = new core.NodeIO();
  return io.writeBinary(document);
}
