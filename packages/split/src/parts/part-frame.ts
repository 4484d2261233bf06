import type { mat4, Node, vec3 } from '@gltf-transform/core';
import type { PlannedPart } from '../detect/detect-parts.js';
import {
  type Bounds,
  emptyBounds,
  expandPlacedBounds,
  expandTransformedBounds,
  finiteBounds,
  instanceMatrices,
  isEmptyBounds,
  positionArray,
} from '../geometry.js';
import {
  asWritten,
  composeChain,
  decomposeAffine,
  IDENTITY,
  identityTRS,
  invert,
  isTranslationOnly,
  multiply,
  type TRS,
  translation,
  tryInvert,
} from '../math.js';
import type { PivotMode } from '../options.js';
import { type Placement, placement } from './part-placement.js';
import { pivotPoint } from './pivot.js';
import type { SourceIndex } from './source-index.js';

/**
 * Frames: where a part file puts its part, and the placements that put it back. Both part encoders
 * (general-part.ts, direct-part.ts) take their frames from here, so they write the same transforms.
 *
 * A part file shows its part as the source scene shows it: its node carries the world rotation and
 * scale of the source node (a node transform, not vertices rewritten: the encoders copy accessor
 * bytes as they are, compressed and quantized data stay untouched, one file serves every placement of
 * a shared mesh, and skins and morph targets need no rework). The pivot then picks only the
 * translation, measured on the exact bounds of the part as the frame places it (partBounds).
 */

/** The transforms that stand a part up in its file. */
export interface PartFrame {
  /**
   * Node transforms from the part file's scene root down (outermost first): one TRS, or two when the
   * source frame has shear (see `decomposeAffine`). Already as glTF-Transform's writer writes them.
   */
  chain: TRS[];
  /** Their product F: mesh (or skeleton) space → part file space. */
  matrix: mat4;
  /** F⁻¹, for placements: world × F⁻¹. */
  inverse: mat4;
  /**
   * The placement of the frame's own source matrix: base × F⁻¹, which is the pivot translation T⁻¹
   * (the identity with `original`). Written as that exact translation when base × F⁻¹ is one to
   * float32 rounding (see PURE_TRANSLATION_TOLERANCE), so the manifest shows a clean matrix; it stays
   * the computed product otherwise (a frame the writer rounded by more, or a singular base).
   */
  basePlacement: mat4;
  /**
   * Bounds of the part in its file: the bounds the pivot was measured on, moved by the pivot
   * translation (so `bottom` gives min y = 0 and `center` a centre at 0 exactly; the file's own
   * float arithmetic agrees to the last bit or so).
   */
  bounds: Bounds;
}

/**
 * A first placement whose linear part is within this of the identity is written as the pure pivot
 * translation. The difference is rounding of the source's own transforms: quaternions and scales
 * stored as float32 (CesiumMilkTruck's root scales by |q|² = 0.99999994), which glTF-Transform's
 * writer rounds to the default (within 1e-5) anyway. 1e-6 is some ten float32 steps: what moves the
 * rebuilt part by less than its own float32 vertices can resolve.
 */
const PURE_TRANSLATION_TOLERANCE = 1e-6;

/**
 * The frame that shows a part as `base` shows it, moved so that the pivot point of its bounds is at
 * the origin. `measure(frame)` gives the exact bounds of the part's geometry under a frame matrix
 * (called once).
 *
 * A singular base (a node scaled to zero: the source draws the part flat or not at all) cannot be
 * undone by a placement, so the part keeps its mesh's own orientation at the base's position and the
 * placements carry the collapse.
 */
export function pivotedFrame(base: mat4, measure: (frame: mat4) => Bounds, pivot: PivotMode): PartFrame {
  const decomposed = tryInvert(base) ? decomposeAffine(base) : null;
  const start = (decomposed ?? [{ ...identityTRS(), translation: [base[12], base[13], base[14]] }]).map(
    asWritten,
  );
  const before = measure(composeChain(start));
  const point = pivotPoint(before, pivot);
  const [outer, ...inner] = start as [TRS, ...TRS[]];
  const t = outer.translation;
  const wanted: vec3 = [t[0] - point[0], t[1] - point[1], t[2] - point[2]];
  const moved = asWritten({ ...outer, translation: wanted });
  const chain = [moved, ...inner];
  // How far the pivot moved the part: −point, unless the writer's rounding dropped a tiny translation.
  const shift = wanted.map((value, axis) =>
    moved.translation[axis] === value ? -point[axis]! : moved.translation[axis]! - t[axis]!,
  );
  const matrix = composeChain(chain);
  const inverse = invert(matrix);
  let basePlacement = multiply(base, inverse);
  if (isTranslationOnly(basePlacement, PURE_TRANSLATION_TOLERANCE)) {
    basePlacement = translation([-shift[0]!, -shift[1]!, -shift[2]!]);
  }
  const bounds = finiteBounds({
    min: before.min.map((value, axis) => value + shift[axis]!) as vec3,
    max: before.max.map((value, axis) => value + shift[axis]!) as vec3,
  });
  return { chain, matrix, inverse, basePlacement, bounds };
}

/**
 * Exact bounds of a part's geometry as `worldOf` places it (one pass over its positions; GPU instances
 * included; a skinned part by its joints' world matrices: exactness is what lets `bottom` put the
 * lowest point at y = 0, where the bounds of a rotated bounding box would not be tight). A frame that only translates (the usual
 * case of a segmented model's nodes) moves each POSITION range as it is: x + t rounds monotonically
 * in x, so the range moved is exactly the range of the moved points, and no pass is needed.
 */
export function partBounds(
  index: SourceIndex,
  part: PlannedPart,
  node: Node,
  worldOf: (node: Node) => mat4,
): Bounds {
  const primitives = part.primitive ? [part.primitive] : part.mesh.listPrimitives();
  if (node.getSkin() || instanceMatrices(node)) {
    const bounds = emptyBounds();
    for (const primitive of primitives) expandPlacedBounds(bounds, primitive, node, worldOf);
    return finiteBounds(bounds);
  }
  const positions: StaticPositions[] = [];
  for (const primitive of primitives) {
    const position = primitive.getAttribute('POSITION');
    if (position)
      positions.push({ range: () => index.positionRange(position), points: () => positionArray(position) });
  }
  return staticBounds(worldOf(node), positions);
}

/** One POSITION accessor of a static part: its range in its own space, and its points. */
export interface StaticPositions {
  range: () => Bounds;
  points: () => Float32Array | Float64Array;
}

/**
 * Exact bounds of static geometry (not skinned, not instanced) under `m`: each point transformed, or,
 * when `m` only translates, each range moved as it is (x + t rounds monotonically in x, so the range
 * moved is exactly the range of the moved points, and no pass is needed). Shared by partBounds and the
 * byte-level split (fast/).
 */
export function staticBounds(m: mat4, positions: Iterable<StaticPositions>): Bounds {
  const bounds = emptyBounds();
  expandStaticBounds(bounds, m, positions);
  return finiteBounds(bounds);
}

/** Grows `bounds` by static geometry under `m` (see {@link staticBounds}). */
export function expandStaticBounds(bounds: Bounds, m: mat4, positions: Iterable<StaticPositions>): void {
  const translationOnly = isTranslationOnly(m, 0);
  for (const position of positions) {
    if (!translationOnly) {
      expandTransformedBounds(bounds, position.points(), multiply(m, IDENTITY));
      continue;
    }
    const range = position.range();
    if (isEmptyBounds(range)) continue;
    for (let axis = 0; axis < 3; axis++) {
      bounds.min[axis] = Math.min(bounds.min[axis]!, range.min[axis]! + m[12 + axis]!);
      bounds.max[axis] = Math.max(bounds.max[axis]!, range.max[axis]! + m[12 + axis]!);
    }
  }
}

/** A frame and the placements it gives. */
export interface FramedPart {
  frame: PartFrame;
  placements: Placement[];
}

/**
 * A static part: its file node carries F = T × W (W: the first node's world matrix, T: the pivot
 * translation measured on the world bounds); each node places the file at its world × F⁻¹, and the
 * first one at T⁻¹. A shared mesh's file shows its first placement.
 */
export function staticFrame(index: SourceIndex, part: PlannedPart, pivot: PivotMode): FramedPart {
  const first = part.nodes[0]!;
  const frame = pivotedFrame(index.worldOf(first), (m) => partBounds(index, part, first, () => m), pivot);
  const placements = part.nodes.map((node) =>
    placement(
      index,
      node,
      node === first ? frame.basePlacement : multiply(index.worldOf(node), frame.inverse),
    ),
  );
  return { frame, placements };
}

/**
 * An animated part: its node keeps its local transform (its animation drives it) under wrapper nodes
 * carrying F = T × baseWorld, so the rest pose shows as the source shows it; the placement is
 * baseWorld × F⁻¹ = T⁻¹. When ancestors are animated (the motion comes from above: BoxAnimated's
 * inner box rises with its parent), `chain` holds them, from the topmost animated one down to the
 * node's parent: they are copied with their own transforms between the wrappers and the node, and
 * baseWorld is the world of the chain's parent. T is measured on the rest pose's world bounds.
 */
export function animatedFrame(
  index: SourceIndex,
  part: PlannedPart,
  pivot: PivotMode,
  chain: readonly Node[] = [],
): FramedPart {
  const first = part.nodes[0]!;
  const parent = (chain[0] ?? first).getParentNode();
  const rest = [...chain, first].reduce<mat4>((m, node) => multiply(m, node.getMatrix()), IDENTITY);
  const frame = pivotedFrame(
    parent ? index.worldOf(parent) : IDENTITY,
    (m) => partBounds(index, part, first, () => multiply(m, rest)),
    pivot,
  );
  return { frame, placements: [placement(index, first, frame.basePlacement)] };
}

/**
 * The ancestors of `node` whose motion it must carry: from the topmost one an animation's
 * translation, rotation or scale channel targets down to the node's parent (empty when none is).
 */
export function animatedAncestors(index: SourceIndex, node: Node): Node[] {
  const ancestors: Node[] = [];
  for (let at = node.getParentNode(); at; at = at.getParentNode()) ancestors.push(at);
  ancestors.reverse(); // pushed and reversed once: unshift per level is quadratic in the depth
  const top = ancestors.findIndex((ancestor) =>
    (index.channels.get(ancestor) ?? []).some(({ channel }) => channel.getTargetPath() !== 'weights'),
  );
  return top === -1 ? [] : ancestors.slice(top);
}

/**
 * A skinned part: skinning ignores the mesh node, and the joints (with their ancestors) are copied
 * with their source transforms, so the geometry is already in the source's world space. The frame
 * is the pivot translation T alone, on the skeleton's container node, measured on the skinned world
 * bounds at rest; the placement is T⁻¹.
 */
export function skinnedFrame(index: SourceIndex, part: PlannedPart, pivot: PivotMode): FramedPart {
  const first = part.nodes[0]!;
  const frame = pivotedFrame(IDENTITY, () => partBounds(index, part, first, index.worldOf), pivot);
  return { frame, placements: [placement(index, first, frame.basePlacement)] };
}
