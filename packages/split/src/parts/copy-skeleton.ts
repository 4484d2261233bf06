import type { Document, Node, Property, Skin } from '@gltf-transform/core';

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

/** A copy of `skin` whose joints (and skeleton root) are the copied nodes, with its inverse bind matrices. */
export function copySkin(
  target: Document,
  skin: Skin,
  copied: ReadonlyMap<Node, Node>,
  copy: <T extends Property>(property: T) => T,
): Skin {
  const result = target.createSkin(skin.getName()).setExtras({ ...skin.getExtras() });
  for (const joint of skin.listJoints()) result.addJoint(copied.get(joint)!);
  const root = skin.getSkeleton();
  if (root && copied.has(root)) result.setSkeleton(copied.get(root)!);
  const inverseBindMatrices = skin.getInverseBindMatrices();
  if (inverseBindMatrices) result.setInverseBindMatrices(copy(inverseBindMatrices));
  return result;
}
