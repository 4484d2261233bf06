import type { Document } from '@gltf-transform/core';
import { ModelReadError } from '../errors.js';

/**
 * Checks the values a parsed document holds where a wrong value breaks every reader: index values
 * below the vertex count, joint indices below the skin's joint count, finite positions. Runs after
 * decoding (Draco and meshopt data included). Throws ModelReadError naming the mesh.
 */
export function checkDocumentValues(document: Document, source: string): void {
  const root = document.getRoot();
  const fail = (what: string): never => {
    throw new ModelReadError(source, `${source} is corrupt: ${what}`);
  };
  for (const mesh of root.listMeshes()) {
    const name = JSON.stringify(mesh.getName());
    for (const [p, primitive] of mesh.listPrimitives().entries()) {
      const position = primitive.getAttribute('POSITION');
      const vertices = position?.getCount() ?? primitive.listAttributes()[0]?.getCount() ?? 0;
      const indices = primitive.getIndices()?.getArray();
      if (indices) {
        for (let i = 0; i < indices.length; i++) {
          if (indices[i]! >= vertices) {
            fail(
              `mesh ${name} primitive ${p} has index ${indices[i]} at ${i}, past its ${vertices} vertices`,
            );
          }
        }
      }
      const positions = position?.getArray();
      if (positions) {
        for (let i = 0; i < positions.length; i++) {
          if (!Number.isFinite(positions[i]!))
            fail(`mesh ${name} primitive ${p} has a non-finite vertex position`);
        }
      }
    }
  }
  for (const node of root.listNodes()) {
    const skin = node.getSkin();
    const mesh = node.getMesh();
    if (!skin || !mesh) continue;
    const joints = skin.listJoints().length;
    for (const primitive of mesh.listPrimitives()) {
      for (const semantic of primitive.listSemantics()) {
        if (!semantic.startsWith('JOINTS_')) continue;
        const values = primitive.getAttribute(semantic)!.getArray();
        if (!values) continue;
        for (let i = 0; i < values.length; i++) {
          if (values[i]! >= joints) {
            fail(
              `mesh ${JSON.stringify(mesh.getName())} has joint index ${values[i]}, past its skin's ${joints} joints`,
            );
          }
        }
      }
    }
  }
}
