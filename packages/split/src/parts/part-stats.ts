import type { Document } from '@gltf-transform/core';
import { type Bounds, geometryCounts } from '../geometry.js';
import { sceneBounds } from '../scene.js';

/** What the manifest says about a part file's content, measured on the part's own document. */
export interface PartStats {
  vertices: number;
  triangles: number;
  materials: number;
  textures: number;
  /** Bounds of what the part file's default scene draws, in its own space. */
  bounds: Bounds;
}

/**
 * Counts a part document. Vertices and triangles are those the file stores (a mesh is counted once,
 * not once per GPU instance); bounds include every instance and skinning at rest.
 */
export function measurePart(document: Document): PartStats {
  const root = document.getRoot();
  return {
    ...geometryCounts(root.listMeshes().flatMap((mesh) => mesh.listPrimitives())),
    materials: root.listMaterials().length,
    textures: root.listTextures().length,
    bounds: sceneBounds(document),
  };
}
