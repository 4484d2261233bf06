import type { Document, Node, Scene } from '@gltf-transform/core';
import {
  type Bounds,
  createWorldMatrices,
  emptyBounds,
  expandPlacedBounds,
  finiteBounds,
} from './geometry.js';

/** The scene a split works on, and the mesh nodes and bounds of a scene: shared by every stage. */

/** The scene that is split: the default scene, else the first; with a note when there are several. */
export function selectScene(document: Document): { scene: Scene | null; sceneNote?: string } {
  const root = document.getRoot();
  const scenes = root.listScenes();
  const scene = root.getDefaultScene() ?? scenes[0] ?? null;
  if (scenes.length <= 1 || !scene) return { scene };
  const which = root.getDefaultScene() ? 'the default scene' : 'the first scene (no default is set)';
  const label = scene.getName() ? `"${scene.getName()}"` : `#${scenes.indexOf(scene)}`;
  return { scene, sceneNote: `the model has ${scenes.length} scenes; only ${which} ${label} is split` };
}

/**
 * Mesh nodes of a scene, depth-first in child order (the order engines list them). A mesh without
 * primitives draws nothing and cannot be written as a valid part, so its node is not listed.
 */
export function listMeshNodes(scene: Scene | null): Node[] {
  if (!scene) return [];
  return depthFirstNodes(
    scene.listChildren(),
    (node) => node.listChildren(),
    (node) => (node.getMesh()?.listPrimitives().length ?? 0) > 0,
  );
}

/**
 * The nodes under `roots` that `keep` accepts, depth-first in child order, without recursion (a
 * hierarchy may be 100,000 deep): {@link listMeshNodes}' walk over any node type (fast/ walks the
 * JSON's nodes).
 */
export function depthFirstNodes<N>(
  roots: readonly N[],
  childrenOf: (node: N) => readonly N[],
  keep: (node: N) => boolean,
): N[] {
  const out: N[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (keep(node)) out.push(node);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

/** Bounds of everything the default scene draws (world space of that document). */
export function sceneBounds(document: Document): Bounds {
  const bounds = emptyBounds();
  const worldOf = createWorldMatrices();
  for (const node of listMeshNodes(selectScene(document).scene)) {
    for (const primitive of node.getMesh()!.listPrimitives())
      expandPlacedBounds(bounds, primitive, node, worldOf);
  }
  return finiteBounds(bounds);
}
