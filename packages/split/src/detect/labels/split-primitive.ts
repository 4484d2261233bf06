import {
  type Accessor,
  Document,
  Primitive,
  type PrimitiveTarget,
  type TypedArray,
} from '@gltf-transform/core';
import { vertexCount } from '../../geometry.js';
import { isOwned, RecycledMemory, releaseOwned } from '../../owned-arrays.js';
import type { TriangleSlots } from './label-slots.js';
import { localIndices } from './local-indices.js';
import { triangleListIndices } from './triangles.js';

type TypedArrayConstructor = new (length: number) => TypedArray;

/** An attribute to carry into every part: where it lands, and its source read once. */
interface CarriedAttribute {
  semantic: string;
  source: Accessor;
  array: TypedArray;
  size: number;
  /** Morph target index, or -1 for a base attribute. */
  target: number;
}

/**
 * Split one triangle-list primitive into one compact primitive per label slot.
 *
 * `triangleSlots[t]` is the slot (0 … slotCount-1) of triangle `t`. The result has one entry per
 * slot: a new primitive holding exactly that slot's triangles and only the vertices they use
 * (vertices on a boundary between labels are duplicated into each side), or `null` for a slot
 * with no triangles here. Every attribute (custom ones too, except `dropSemantics`), every
 * morph target, the material, the mode, the primitive's extensions and extras are kept;
 * component types and normalized flags are preserved. Indices are Uint16 when the part has at
 * most 65535 vertices (so 65535, the restart value, is never used), else Uint32. Within a part,
 * triangles keep their source order and vertices are numbered in order of first use.
 *
 * Cost O(vertices + indices + slots), with the same few buffers whatever the number of labels:
 * a count of triangles per slot, then ONE pass over the index buffer that buckets the triangles
 * by slot and renumbers their vertices with one remap shared by every slot
 * ({@link localIndices}), then each attribute gathered once for all slots. Nothing is allocated
 * per vertex, nor per slot beyond the part's glTF-Transform properties.
 *
 * Memory layout: a part's attribute arrays are views (`subarray`) of one gathered array per source
 * attribute, and its indices views of one packed array per index type ({@link localIndices}), in
 * slot order, not one ArrayBuffer per part: allocating one per part and attribute was ~40 ms of a
 * CPU profile of a 200-part split, more than the gathering itself. So one part kept alive keeps
 * the whole gathered array alive (the parts of one split normally live and die together).
 * glTF-Transform honours `byteOffset`/`byteLength` everywhere (its writer packs through
 * `BufferUtils.toView`, `Accessor.copy` slices); any consumer that reads `array.buffer` must use
 * the array's `byteOffset` and `byteLength` with it.
 *
 * The source primitive is left untouched, unless `releaseSource`: then the memory of its accessors
 * that the byte-level reader gave memory of their own (owned-arrays.ts) and that no other property
 * uses is given back as soon as the split has read them (indices after the renumbering, each
 * attribute after its gathering, `dropSemantics` at once), and those accessors are left with empty
 * arrays: for a caller that disposes the primitive next (explode-by-labels.ts). An attribute about
 * as large as a released buffer, or half as large, is gathered into it (owned-arrays.ts,
 * RecycledMemory: memory used before costs nothing to touch again). On labels-2m that is 51 MB of
 * source that no longer add to the parts' memory, and the gathered positions and normals written
 * into the memory of the source's indices and positions (BENCHMARKS.md, table 2).
 */
export function splitPrimitiveByLabels(
  primitive: Primitive,
  triangleSlots: TriangleSlots,
  slotCount: number,
  dropSemantics: readonly string[] = [],
  { releaseSource = false }: { releaseSource?: boolean } = {},
): (Primitive | null)[] {
  const document = Document.fromGraph(primitive.getGraph());
  if (!document) throw new Error('splitPrimitiveByLabels: the primitive belongs to no Document');
  const indices = triangleListIndices(primitive);
  const triangles = indices.length / 3;
  if (triangleSlots.length !== triangles) {
    throw new Error(`splitPrimitiveByLabels: ${triangleSlots.length} labels for ${triangles} triangles`);
  }
  const triStart = slotStarts(triangleSlots, slotCount);
  const carried = carriedAttributes(primitive, dropSemantics);
  // An accessor the split still reads as an attribute is released after its gathering only.
  const gatheredLater = new Set<Accessor>(carried.map((attribute) => attribute.source));
  // Released memory that fits the renumbering's `used` or an attribute to gather holds it (sizes as
  // if no vertex were duplicated).
  const vertices = vertexCount(primitive);
  const recycled = new RecycledMemory([
    vertices * 4,
    ...carried.map(({ array, size }) => vertices * size * array.BYTES_PER_ELEMENT),
  ]);
  const release = releaseSource ? releaserOf(primitive, gatheredLater, recycled) : () => {};
  for (const semantic of dropSemantics) {
    const accessor = primitive.getAttribute(semantic);
    if (accessor !== primitive.getIndices()) release(accessor);
  }
  const { used, vertStart, partIndices } = localIndices(indices, triangleSlots, triStart, vertices, {
    indicesRead: () => release(primitive.getIndices()),
    recycled,
  });
  // One long, hot loop per attribute for all slots; each part gets a view of its range.
  const gathered = carried.map((attribute, a) => {
    const array = gather(attribute.array, attribute.size, used, recycled);
    // An accessor carried twice (an attribute and a morph target's) is released after its last use.
    if (!carried.some((other, b) => b > a && other.source === attribute.source)) {
      gatheredLater.delete(attribute.source);
      release(attribute.source);
    }
    return array;
  });
  const buffer = primitive.getAttribute('POSITION')?.getBuffer() ?? null;
  const mode = primitive.getMode();
  const material = primitive.getMaterial();
  const extras = primitive.getExtras();
  const hasExtras = Object.keys(extras).length > 0;
  return partIndices.map((indexArray, s) => {
    if (!indexArray) return null;
    // Only what differs from a new property's defaults is set: every setter dispatches a change
    // event, and a dozen per part of them were ~15 % of creating 200 parts.
    const part = document
      .createPrimitive()
      .setIndices(document.createAccessor().setType('SCALAR').setArray(indexArray).setBuffer(buffer));
    if (mode !== Primitive.Mode.TRIANGLES) part.setMode(mode);
    if (material) part.setMaterial(material);
    if (hasExtras) part.setExtras({ ...extras });
    for (const extension of primitive.listExtensions()) part.setExtension(extension.extensionName, extension);
    const targets: PrimitiveTarget[] = primitive.listTargets().map((target) => {
      const partTarget = document.createPrimitiveTarget(target.getName());
      part.addTarget(partTarget);
      return partTarget;
    });
    const first = vertStart[s]!;
    const last = vertStart[s + 1]!;
    carried.forEach((attribute, a) => {
      const { source, size } = attribute;
      const accessor = document
        .createAccessor(source.getName())
        .setType(source.getType())
        .setArray(gathered[a]!.subarray(first * size, last * size))
        .setBuffer(source.getBuffer());
      if (source.getNormalized()) accessor.setNormalized(true);
      if (source.getSparse()) accessor.setSparse(true);
      if (attribute.target < 0) part.setAttribute(attribute.semantic, accessor);
      else targets[attribute.target]!.setAttribute(attribute.semantic, accessor);
    });
    return part;
  });
}

/**
 * Releases (owned-arrays.ts) the array of an accessor of `primitive` that nothing but the primitive,
 * its morph targets and the document's root uses, unless the split is still to gather it.
 */
function releaserOf(
  primitive: Primitive,
  gatheredLater: ReadonlySet<Accessor>,
  recycled: RecycledMemory,
): (accessor: Accessor | null) => void {
  const own = new Set<unknown>([primitive, ...primitive.listTargets()]);
  return (accessor) => {
    if (!accessor || gatheredLater.has(accessor) || !isOwned(accessor.getArray())) return;
    if (accessor.listParents().every((parent) => own.has(parent) || parent.propertyType === 'Root'))
      recycled.add(releaseOwned(accessor.getArray()));
  };
}

/** First triangle of each slot in slot order (`slotCount + 1` entries): a count and a prefix sum. */
function slotStarts(triangleSlots: TriangleSlots, slotCount: number): Uint32Array {
  const starts = new Uint32Array(slotCount + 1);
  for (let t = 0; t < triangleSlots.length; t++) {
    const slot = triangleSlots[t]!;
    if (slot >= slotCount)
      throw new RangeError(`splitPrimitiveByLabels: slot ${slot} of triangle ${t} is not below ${slotCount}`);
    starts[slot + 1]! += 1;
  }
  for (let s = 0; s < slotCount; s++) starts[s + 1]! += starts[s]!;
  return starts;
}

/** The base attributes (less `dropSemantics`) and morph target attributes every part receives. */
function carriedAttributes(primitive: Primitive, dropSemantics: readonly string[]): CarriedAttribute[] {
  const carried: CarriedAttribute[] = [];
  const add = (semantic: string, source: Accessor, target: number) =>
    carried.push({ semantic, source, array: source.getArray()!, size: source.getElementSize(), target });
  for (const semantic of primitive.listSemantics()) {
    if (!dropSemantics.includes(semantic)) add(semantic, primitive.getAttribute(semantic)!, -1);
  }
  primitive.listTargets().forEach((target, t) => {
    for (const semantic of target.listSemantics()) add(semantic, target.getAttribute(semantic)!, t);
  });
  return carried;
}

/**
 * Elements `vertices` of `array` (elements of `size` components), in that order, same type: in
 * `recycled` memory when it has room (every element is written), else in new memory.
 */
function gather(
  array: TypedArray,
  size: number,
  vertices: Uint32Array,
  recycled: RecycledMemory,
): TypedArray {
  const Type = array.constructor as TypedArrayConstructor &
    (new (
      b: ArrayBuffer,
      o: number,
      n: number,
    ) => TypedArray);
  const out = recycled.take(Type, vertices.length * size) ?? new Type(vertices.length * size);
  if (size === 1) {
    for (let i = 0; i < vertices.length; i++) out[i] = array[vertices[i]!]!;
  } else if (size === 3) {
    for (let i = 0; i < vertices.length; i++) {
      const v = 3 * vertices[i]!;
      out[3 * i] = array[v]!;
      out[3 * i + 1] = array[v + 1]!;
      out[3 * i + 2] = array[v + 2]!;
    }
  } else {
    for (let i = 0; i < vertices.length; i++) {
      const v = size * vertices[i]!;
      for (let c = 0; c < size; c++) out[size * i + c] = array[v + c]!;
    }
  }
  return out;
}
