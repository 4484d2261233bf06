import type { Document, Mesh, mat4, Node } from '@gltf-transform/core';
import { createWorldMatrices } from '../../geometry.js';
import { listMeshNodes, selectScene } from '../../scene.js';
import { isTriangleList } from '../labels/triangles.js';
import { triangleAreas } from './label-geometry.js';

/** Surface area of a mesh's triangle lists in its own space. */
export function meshArea(mesh: Mesh): number {
  let area = 0;
  for (const primitive of mesh.listPrimitives()) {
    if (!isTriangleList(primitive)) continue;
    for (const value of triangleAreas(primitive)) area += value;
  }
  return area;
}

/**
 * How a node's transform scales areas: |det|^(2/3) of its world matrix's linear part (exact for a
 * uniform scale, a fair measure for others: shares only decide what is small). Skinned meshes are
 * drawn in the skeleton's space, which their bind positions already are: 1.
 */
export function areaScale(node: Node, world: mat4): number {
  if (node.getSkin()) return 1;
  const m = world;
  const det =
    m[0] * (m[5] * m[10] - m[6] * m[9]) -
    m[4] * (m[1] * m[10] - m[2] * m[9]) +
    m[8] * (m[1] * m[6] - m[2] * m[5]);
  return Math.abs(det) ** (2 / 3);
}

/**
 * Each mesh's share of the model's surface (its nodes' world areas over every mesh node's of the
 * split scene). A model of one mesh node needs no area at all: its share is 1.
 */
export function meshShares(document: Document): (mesh: Mesh) => number {
  const nodes = listMeshNodes(selectScene(document).scene);
  if (nodes.length <= 1) return () => 1;
  const worldOf = createWorldMatrices();
  const local = new Map<Mesh, number>();
  const world = new Map<Mesh, number>();
  let total = 0;
  for (const node of nodes) {
    const mesh = node.getMesh()!;
    let area = local.get(mesh);
    if (area === undefined) {
      area = meshArea(mesh);
      local.set(mesh, area);
    }
    const placed = area * areaScale(node, worldOf(node));
    world.set(mesh, (world.get(mesh) ?? 0) + placed);
    total += placed;
  }
  return (mesh) => (total > 0 ? (world.get(mesh) ?? 0) / total : 1);
}
