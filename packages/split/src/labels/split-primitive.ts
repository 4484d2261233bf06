import {
  type Accessor,
  Document,
  type Primitive,
  type PrimitiveTarget,
  type TypedArray,
} from '@gltf-transform/core';
import { triangleIndices, vertexCount } from './triangles.js';

type TypedArrayConstructor = new (length: number) => TypedArray;

/**
 * Split one triangle-list primitive into one compact primitive per label slot.
 *
 * `triangleSlots[t]` is the slot (0 … slotCount-1) of triangle `t`. The result has one entry per
 * slot: a new primitive holding exactly that slot's triangles and only the vertices they use
 * (vertices on a boundary between labels are duplicated into each side), or `null` for a slot
 * with no triangles here. Every attribute (custom ones too, except `dropSemantics`), every
 * morph target, the material, the mode, the primitive's extensions and extras are kept;
 * component types and normalized flags are preserved. Indices are Uint16 when the part has at
 * most 65535 vertices (so 65535, the restart value, is never used), else Uint32.
 *
 * One pass: triangles are bucketed by slot with a counting sort, and a single vertex remap
 * (stamped with the slot, so it is never cleared) serves every slot. Cost O(vertices + indices
 * + slots); nothing is allocated per vertex. The source primitive is left untouched.
 */
export function splitPrimitiveByLabels(
  primitive: Primitive,
  triangleSlots: Uint32Array,
  slotCount: number,
  dropSemantics: readonly string[] = [],
): (Primitive | null)[] {
  const document = Document.fromGraph(primitive.getGraph());
  if (!document) throw new Error('splitPrimitiveByLabels: the primitive belongs to no Document');
  const indices = triangleIndices(primitive);
  const triangles = indices.length / 3;
  if (triangleSlots.length !== triangles) {
    throw new Error(`splitPrimitiveByLabels: ${triangleSlots.length} labels for ${triangles} triangles`);
  }

  // Counting sort of the triangles' vertex triples by slot: a sequential read of the index
  // buffer, scattered into one sequential run per slot.
  const triStart = new Uint32Array(slotCount + 1);
  for (let t = 0; t < triangles; t++) triStart[triangleSlots[t]! + 1]! += 1;
  for (let s = 0; s < slotCount; s++) triStart[s + 1]! += triStart[s]!;
  const cursor = triStart.slice(0, slotCount);
  const sorted = new Uint32Array(indices.length);
  for (let t = 0; t < triangles; t++) {
    const k = 3 * cursor[triangleSlots[t]!]!++;
    sorted[k] = indices[3 * t]!;
    sorted[k + 1] = indices[3 * t + 1]!;
    sorted[k + 2] = indices[3 * t + 2]!;
  }

  // One remap for all slots: stamp[v] = slot + 1 when v already has a local index in that slot.
  // `sorted` is rewritten in place with the local indices.
  const vertices = vertexCount(primitive);
  const stamp = new Uint32Array(vertices);
  const local = new Uint32Array(vertices);
  const used = new Uint32Array(indices.length);
  const vertStart = new Uint32Array(slotCount + 1);
  let usedCount = 0;
  for (let s = 0; s < slotCount; s++) {
    vertStart[s] = usedCount;
    const base = usedCount;
    const mark = s + 1;
    const end = 3 * triStart[s + 1]!;
    for (let k = 3 * triStart[s]!; k < end; k++) {
      const v = sorted[k]!;
      if (stamp[v] !== mark) {
        stamp[v] = mark;
        local[v] = usedCount - base;
        used[usedCount++] = v;
      }
      sorted[k] = local[v]!;
    }
  }
  vertStart[slotCount] = usedCount;
  const localIndices = sorted;

  // Parts with their indices first; then each attribute is gathered for ALL slots in one long
  // loop (slots are contiguous in `used`) and cut into per-slot copies before the next one is
  // gathered: one hot loop per attribute, and at most one gathered attribute alive at a time.
  const buffer = primitive.getAttribute('POSITION')?.getBuffer() ?? null;
  const result: (Primitive | null)[] = [];
  const parts: { part: Primitive; first: number; last: number; targets: PrimitiveTarget[] }[] = [];
  for (let s = 0; s < slotCount; s++) {
    if (triStart[s] === triStart[s + 1]) {
      result.push(null);
      continue;
    }
    const first = vertStart[s]!;
    const last = vertStart[s + 1]!;
    const slotIndices = localIndices.subarray(3 * triStart[s]!, 3 * triStart[s + 1]!);
    const part = document
      .createPrimitive()
      .setMode(primitive.getMode())
      .setMaterial(primitive.getMaterial())
      .setExtras({ ...primitive.getExtras() });
    for (const extension of primitive.listExtensions()) part.setExtension(extension.extensionName, extension);
    const indexArray = last - first <= 65535 ? new Uint16Array(slotIndices) : new Uint32Array(slotIndices);
    part.setIndices(document.createAccessor().setType('SCALAR').setArray(indexArray).setBuffer(buffer));
    const targets = primitive.listTargets().map((target) => {
      const partTarget = document.createPrimitiveTarget(target.getName());
      part.addTarget(partTarget);
      return partTarget;
    });
    parts.push({ part, first, last, targets });
    result.push(part);
  }
  const usedVertices = used.subarray(0, usedCount);
  for (const semantic of primitive.listSemantics()) {
    if (dropSemantics.includes(semantic)) continue;
    const source = primitive.getAttribute(semantic)!;
    const all = gather(source, usedVertices);
    for (const { part, first, last } of parts)
      part.setAttribute(semantic, cutAccessor(document, source, all, first, last));
  }
  primitive.listTargets().forEach((target, t) => {
    for (const semantic of target.listSemantics()) {
      const source = target.getAttribute(semantic)!;
      const all = gather(source, usedVertices);
      for (const { targets, first, last } of parts) {
        targets[t]!.setAttribute(semantic, cutAccessor(document, source, all, first, last));
      }
    }
  });
  return result;
}

/** The elements `vertices` of `source`, in that order, in an array of the same type. */
function gather(source: Accessor, vertices: Uint32Array): TypedArray {
  const array = source.getArray()!;
  const size = source.getElementSize();
  const out = new (array.constructor as TypedArrayConstructor)(vertices.length * size);
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

/** A new accessor holding elements [first, last) of `all`, typed and flagged like `source`. */
function cutAccessor(
  document: Document,
  source: Accessor,
  all: TypedArray,
  first: number,
  last: number,
): Accessor {
  const size = source.getElementSize();
  return document
    .createAccessor(source.getName())
    .setType(source.getType())
    .setArray(all.slice(first * size, last * size))
    .setNormalized(source.getNormalized())
    .setSparse(source.getSparse())
    .setBuffer(source.getBuffer());
}
