import type { Accessor, Document, Mesh, Node, Property, Skin } from '@gltf-transform/core';

/**
 * Copies the joints and every ancestor up to the scene root as transform-only nodes (no meshes, no
 * other children), rebuilding their hierarchy under `container`, so the joints' world matrices in the
 * part file equal the source's (times the container's matrix) and the validator finds one common
 * root. `copied` receives source → copy for every node made (animation channels follow it).
 */
export function copySkeleton(
  target: Document,
  joints: readonly Node[],
  container: Node,
  copied: Map<Node, Node>,
): void {
  for (const joint of joints) {
    // The joint's uncopied ancestors, nearest first, then copied top-down: a loop, not recursion,
    // because a hierarchy may be deeper than the JavaScript stack.
    const missing: Node[] = [];
    let parent: Node | null = joint;
    while (parent && !copied.has(parent)) {
      missing.push(parent);
      parent = parent.getParentNode();
    }
    let holder = parent ? copied.get(parent)! : container;
    for (let i = missing.length - 1; i >= 0; i--) {
      const node = missing[i]!;
      const copy = target
        .createNode(node.getName())
        .setTranslation(node.getTranslation())
        .setRotation(node.getRotation())
        .setScale(node.getScale())
        .setExtras({ ...node.getExtras() });
      copied.set(node, copy);
      holder.addChild(copy);
      holder = copy;
    }
  }
}

/**
 * The joints of `skin` that a part's mesh (already copied into the part's Document) uses, in the
 * skin's order: those that some vertex weighs above 0. A part skinned by a few joints of a
 * 24-joint rig (the Fox's tail) then carries those joints, their ancestors and their animation
 * channels, not the whole rig and every channel of every clip (the fourth trial: the Fox's 11 parts
 * were 4.9× its file). The mesh's JOINTS_n are rewritten to index the kept list (weight-0 entries to
 * 0); arrays are replaced, never changed in place, so nothing shared with the source moves.
 * Returns the indices (into the skin's joints) kept.
 */
export function keepUsedJoints(mesh: Mesh, skin: Skin): number[] {
  const count = skin.listJoints().length;
  const used = new Uint8Array(count);
  const pairs: Array<{ joints: Accessor; weights: Accessor }> = [];
  for (const primitive of mesh.listPrimitives()) {
    for (let n = 0; ; n++) {
      const joints = primitive.getAttribute(`JOINTS_${n}`);
      const weights = primitive.getAttribute(`WEIGHTS_${n}`);
      if (!joints || !weights) break;
      pairs.push({ joints, weights });
      const j = joints.getArray()!;
      const w = weights.getArray()!;
      for (let i = 0; i < j.length; i++) if (w[i]! > 0 && j[i]! < count) used[j[i]!] = 1;
    }
  }
  const kept = [...used.keys()].filter((joint) => used[joint] === 1);
  // Nothing weighs anything (or every joint is used): the skin as it is.
  if (kept.length === 0 || kept.length === count) return [...used.keys()];
  const newIndex = new Int32Array(count).fill(0);
  kept.forEach((joint, i) => {
    newIndex[joint] = i;
  });
  const rewritten = new Set<Accessor>();
  for (const { joints, weights } of pairs) {
    if (rewritten.has(joints)) continue;
    rewritten.add(joints);
    const j = joints.getArray()!;
    const w = weights.getArray()!;
    const next = j.slice();
    for (let i = 0; i < j.length; i++) next[i] = w[i]! > 0 && j[i]! < count ? newIndex[j[i]!]! : 0;
    joints.setArray(next);
  }
  return kept;
}

/**
 * A copy of `skin` with the joints `kept` (indices into its joints, in order: all of them by default),
 * whose joints (and skeleton root) are the copied nodes, with their inverse bind matrices.
 */
export function copySkin(
  target: Document,
  skin: Skin,
  copied: ReadonlyMap<Node, Node>,
  copy: <T extends Property>(property: T) => T,
  kept: readonly number[] = skin.listJoints().map((_, i) => i),
): Skin {
  const joints = skin.listJoints();
  const result = target.createSkin(skin.getName()).setExtras({ ...skin.getExtras() });
  for (const index of kept) result.addJoint(copied.get(joints[index]!)!);
  const root = skin.getSkeleton();
  if (root && copied.has(root)) result.setSkeleton(copied.get(root)!);
  const inverseBindMatrices = skin.getInverseBindMatrices();
  if (inverseBindMatrices) {
    const matrices = copy(inverseBindMatrices);
    if (kept.length < joints.length) {
      // Only the kept joints' matrices. The copy is this part's own (a part has one skin), and its
      // array is replaced, not changed: the source's stays as it is for the other parts.
      const all = matrices.getArray()!;
      const some = new (all.constructor as Float32ArrayConstructor)(kept.length * 16);
      kept.forEach((joint, i) => {
        some.set(all.subarray(joint * 16, joint * 16 + 16), i * 16);
      });
      matrices.setArray(some);
    }
    result.setInverseBindMatrices(matrices);
  }
  return result;
}
