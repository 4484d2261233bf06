import { type Mesh, Node, type Primitive, type Skin } from '@gltf-transform/core';
import { smoothTriangleLabels, triangleEdges } from './smooth-labels.js';
import { normalizedDivisor, triangleListIndices } from './triangles.js';
import { weldPositions } from './weld.js';

/**
 * The `bones` strategy: a skinned mesh cut by the joint that dominates each triangle, by the sum of
 * its corners' skin weights. Parts keep the skin (explodeByLabels copies it to every part), so they
 * still pose.
 */

/** The skin a mesh is drawn with: the first node that uses the mesh with a skin. */
export function skinOfMesh(mesh: Mesh): Skin | null {
  for (const parent of mesh.listParents()) {
    if (parent instanceof Node && parent.getSkin()) return parent.getSkin();
  }
  return null;
}

/** The JOINTS_n / WEIGHTS_n pairs of a primitive. */
function influenceSets(
  primitive: Primitive,
): Array<{ joints: ArrayLike<number>; weights: ArrayLike<number>; scale: number; size: number }> {
  const sets = [];
  for (let n = 0; ; n++) {
    const joints = primitive.getAttribute(`JOINTS_${n}`);
    const weights = primitive.getAttribute(`WEIGHTS_${n}`);
    if (!joints || !weights) break;
    const array = weights.getArray()!;
    sets.push({
      joints: joints.getArray()!,
      weights: array,
      scale: 1 / normalizedDivisor(array, weights.getNormalized()),
      size: joints.getElementSize(),
    });
  }
  return sets;
}

/**
 * What one seam edge between two joints' triangles costs, against a triangle's evidence for a joint
 * (the share of its corners' summed weights that the joint does not hold, 0–1): a triangle whose own
 * joint leads by less than this per edge it would save joins its neighbours. 0.25 keeps every
 * triangle whose joint holds at least 7/8 of its weight where it is (no triangle has more than
 * three edge neighbours on a manifold), and ends the alternation of triangles weighted about
 * half and half between two joints (RiggedFigure's head).
 */
export const BONE_SEAM_COST = 0.25;

/** Weld tolerance (× the bounding-box diagonal) that finds a skin's triangles' shared edges. */
const EDGE_WELD = 1e-6;

/**
 * Per triangle, the index (in the skin's joint list) of the joint whose weights summed over the
 * triangle's three corners are largest (ties go to the lower joint index), then smoothed over the
 * surface (smooth-labels.ts, {@link BONE_SEAM_COST}) so that the parts follow the surface instead of
 * flickering where weights blend. `null` for a primitive without JOINTS_0 and WEIGHTS_0.
 */
export function boneTriangleLabels(primitive: Primitive, jointCount: number): Float64Array | null {
  const sets = influenceSets(primitive);
  if (sets.length === 0) return null;
  const indices = triangleListIndices(primitive);
  const labels = dominantJoints(sets, indices, jointCount);
  const welded = weldPositions([primitive], EDGE_WELD).ids[0]!;
  const corners = new Uint32Array(labels.length * 3);
  for (let c = 0; c < corners.length; c++) corners[c] = welded[indices[c]!]!;
  const share = jointShare(sets, indices, jointCount);
  smoothTriangleLabels(labels, triangleEdges(corners), (t, joint) => 1 - share(t, joint), BONE_SEAM_COST);
  return labels;
}

type InfluenceSet = ReturnType<typeof influenceSets>[number];

/** Calls `visit` with every joint (of the skin's `jointCount`) and weight above 0 at triangle t's corners. */
function forEachInfluence(
  sets: readonly InfluenceSet[],
  indices: ArrayLike<number>,
  jointCount: number,
  t: number,
  visit: (joint: number, weight: number) => void,
): void {
  for (let corner = 0; corner < 3; corner++) {
    const v = indices[3 * t + corner]!;
    for (const { joints, weights, scale, size } of sets) {
      for (let k = 0; k < size; k++) {
        const joint = joints[v * size + k]!;
        const weight = weights[v * size + k]! * scale;
        if (weight > 0 && joint < jointCount) visit(joint, weight);
      }
    }
  }
}

/** The share (0–1) of triangle `t`'s summed corner weights that `joint` holds. */
function jointShare(
  sets: readonly InfluenceSet[],
  indices: ArrayLike<number>,
  jointCount: number,
): (t: number, joint: number) => number {
  return (t, joint) => {
    let total = 0;
    let mine = 0;
    forEachInfluence(sets, indices, jointCount, t, (j, weight) => {
      total += weight;
      if (j === joint) mine += weight;
    });
    return total > 0 ? mine / total : 0;
  };
}

/** Per triangle, the joint with the largest summed corner weight (ties: the lower index). */
function dominantJoints(
  sets: readonly InfluenceSet[],
  indices: ArrayLike<number>,
  jointCount: number,
): Float64Array {
  const labels = new Float64Array(indices.length / 3);
  const sums = new Float64Array(jointCount);
  const touched: number[] = [];
  const add = (joint: number, weight: number) => {
    if (sums[joint] === 0) touched.push(joint);
    sums[joint]! += weight;
  };
  for (let t = 0; t < labels.length; t++) {
    forEachInfluence(sets, indices, jointCount, t, add);
    let best = touched.length > 0 ? touched[0]! : 0;
    for (const joint of touched) {
      if (sums[joint]! > sums[best]! || (sums[joint] === sums[best] && joint < best)) best = joint;
    }
    labels[t] = best;
    for (const joint of touched) sums[joint] = 0;
    touched.length = 0;
  }
  return labels;
}

/**
 * For each joint, the joint it folds into: joints whose triangles cover less than `minArea` fold into
 * their nearest ancestor joint, deepest first, so a chain of small joints (fingers) ends in the first
 * joint big enough (the hand). A joint without an ancestor joint stays. `areas` is per joint.
 */
export function foldSmallJoints(skin: Skin, areas: readonly number[], minArea: number): Int32Array {
  const joints = skin.listJoints();
  const indexOf = new Map(joints.map((joint, i) => [joint, i]));
  const parentOf = joints.map((joint) => {
    for (let node = joint.getParentNode(); node; node = node.getParentNode()) {
      const index = indexOf.get(node);
      if (index !== undefined) return index;
    }
    return -1;
  });
  const depth = parentOf.map((_, i) => {
    let d = 0;
    for (let p = parentOf[i]!; p >= 0 && d <= joints.length; p = parentOf[p]!) d++;
    return d;
  });
  const owner = Int32Array.from(joints, (_, i) => i);
  const area = [...areas];
  const order = joints.map((_, i) => i).sort((a, b) => depth[b]! - depth[a]! || a - b);
  for (const joint of order) {
    const parent = parentOf[joint]!;
    if (parent < 0 || area[joint]! >= minArea || area[joint] === 0) continue;
    area[parent]! += area[joint]!;
    area[joint] = 0;
    owner[joint] = parent;
  }
  // Follow each chain to the joint that kept its triangles.
  return owner.map((_, i) => {
    let j = i;
    while (owner[j] !== j) j = owner[j]!;
    return j;
  });
}

/** Prefixes rigging tools put before every joint name. */
const RIG_PREFIX = /^(?:mixamorig\d*[:_]|bip0*1[ _]|def[-_]|b_)/iu;

/**
 * Part names from joint names: the namespace (`mixamorig:`), a rig's prefix (`mixamorig_`,
 * `Bip01 `, `DEF-`, `b_`) and an exporter's joint numbering (`b_Head_05` → `Head`, when the
 * numbered joints of the skin each carry their own number) are dropped: `mixamorig:Spine` becomes
 * `Spine`.
 */
export function jointPartNames(skin: Skin): string[] {
  const raw = skin.listJoints().map((joint) => joint.getName());
  const numbers = raw.flatMap((name) => /._(\d+)$/u.exec(name)?.[1] ?? []);
  // Numbering is an exporter's when the numbered joints all carry distinct numbers (Fox: b_Hip_01 …
  // b_Tail03_014, joint indices); `leg_joint_L_1` beside `leg_joint_R_1` numbers segments: kept.
  const exporterNumbers = numbers.length >= 3 && new Set(numbers.map(Number)).size === numbers.length;
  return raw.map((name, i) => {
    let clean = name.includes(':') ? name.slice(name.lastIndexOf(':') + 1) : name;
    clean = clean.replace(RIG_PREFIX, '');
    if (exporterNumbers) clean = clean.replace(/(.)_\d+$/u, '$1');
    clean = clean.replace(/^[_\s.-]+|[_\s.-]+$/gu, '');
    return clean || name || `joint_${i}`;
  });
}
