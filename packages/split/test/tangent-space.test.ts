import { Document, type vec3 } from '@gltf-transform/core';
import { KHRMaterialsClearcoat } from '@gltf-transform/extensions';
import { describe, expect, it } from 'vitest';
import { createIO, detectParts } from '../src/index.js';
import { validateGLB } from './helpers/gltf-checks.js';
import { partDocuments } from './helpers/part-documents.js';

/** A 1×1 PNG, enough for the validator to accept the texture. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Two quads: one with a clearcoat normal map only (needs tangents), one with a core normal map. */
function build(): Document {
  const document = new Document();
  const buffer = document.createBuffer();
  const texture = document.createTexture('n').setImage(new Uint8Array(PNG)).setMimeType('image/png');
  const clearcoat = document.createExtension(KHRMaterialsClearcoat);
  const coated = document
    .createMaterial('coated')
    .setExtension(
      'KHR_materials_clearcoat',
      clearcoat.createClearcoat().setClearcoatFactor(1).setClearcoatNormalTexture(texture),
    );
  const mapped = document.createMaterial('mapped').setNormalTexture(texture);
  const scene = document.createScene();
  for (const [i, material] of [coated, mapped].entries()) {
    const quad = (x: number): vec3[] => [
      [x, 0, 0],
      [x + 1, 0, 0],
      [x + 1, 1, 0],
      [x, 1, 0],
    ];
    const accessor = (type: 'VEC2' | 'VEC3', values: number[]) =>
      document.createAccessor().setType(type).setArray(new Float32Array(values)).setBuffer(buffer);
    const primitive = document
      .createPrimitive()
      .setMaterial(material)
      .setAttribute('POSITION', accessor('VEC3', quad(i * 2).flat()))
      .setAttribute('NORMAL', accessor('VEC3', [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]))
      .setAttribute('TEXCOORD_0', accessor('VEC2', [0, 0, 1, 0, 1, 1, 0, 1]))
      .setIndices(
        document
          .createAccessor()
          .setType('SCALAR')
          .setArray(new Uint16Array([0, 1, 2, 0, 2, 3]))
          .setBuffer(buffer),
      );
    scene.addChild(
      document.createNode(material.getName()).setMesh(document.createMesh().addPrimitive(primitive)),
    );
  }
  return document;
}

describe('tangent space', () => {
  it('adds tangents where a clearcoat normal map has none to derive from, and only there', async () => {
    const document = build();
    const [coated, mapped] = await partDocuments(document, detectParts(document));
    const coatedPrimitive = coated!.document.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
    const tangent = coatedPrimitive.getAttribute('TANGENT')!;
    expect(tangent.getCount()).toBe(4);
    // Along +U, which is +X here; perpendicular to the normal, unit length, right-handed.
    expect(Array.from(tangent.getElement(0, []))).toEqual([1, 0, 0, 1]);
    expect(
      mapped!.document.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('TANGENT'),
    ).toBeNull();
    // The source is not changed.
    expect(document.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('TANGENT')).toBeNull();
    const io = await createIO();
    for (const part of [coated!, mapped!]) {
      expect((await validateGLB(await io.writeBinary(part.document))).errorMessages).toEqual([]);
    }
  });
});
