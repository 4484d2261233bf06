import { buildGlb } from './glb-mutations.js';

/**
 * Hand-made hostile glTF files for the path-safety tests: a real one-triangle model whose buffer or
 * texture image points wherever the test says (`../secret.bin`, `/etc/passwd`, `file:` URLs, ...),
 * and a GLB whose node names try to walk out of the output folder.
 */

/** One triangle's positions (3 × vec3 float32 = 36 bytes). */
const TRIANGLE = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);

function dataUri(bytes: Uint8Array, mime = 'application/octet-stream'): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

/**
 * A .gltf (JSON text) drawing one textured triangle. `bufferUri` replaces the geometry buffer's
 * data: URI (the file it names must hold at least 36 bytes); `imageUri` is the base colour texture.
 */
export function gltfReferencing(options: { bufferUri?: string; imageUri?: string }): string {
  const positions = new Uint8Array(TRIANGLE.buffer);
  const uvs = new Uint8Array(new Float32Array([0, 0, 1, 0, 0, 1]).buffer);
  const geometry = new Uint8Array(positions.byteLength + uvs.byteLength);
  geometry.set(positions, 0);
  geometry.set(uvs, positions.byteLength);
  const json = {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ name: 'triangle', mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0, TEXCOORD_0: 1 }, material: 0 }] }],
    materials: [{ pbrMetallicRoughness: { baseColorTexture: { index: 0 } } }],
    textures: [{ source: 0 }],
    images: [{ uri: options.imageUri ?? dataUri(ONE_PIXEL_PNG, 'image/png') }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
      { bufferView: 0, byteOffset: 36, componentType: 5126, count: 3, type: 'VEC2' },
    ],
    bufferViews: [{ buffer: 0, byteLength: geometry.byteLength }],
    buffers: [{ byteLength: geometry.byteLength, uri: options.bufferUri ?? dataUri(geometry) }],
  };
  return JSON.stringify(json);
}

/** A valid 1×1 PNG. */
export const ONE_PIXEL_PNG = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/** A GLB with one small triangle per name, each on its own named node (Tripo's layout). */
export function glbWithNodeNames(names: readonly string[]): Uint8Array {
  const bin = new Uint8Array(36 * names.length);
  const floats = new Float32Array(bin.buffer);
  for (let i = 0; i < names.length; i++) floats.set([i, 0, 0, i + 1, 0, 0, i, 1, 0], 9 * i);
  const json = {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: names.map((_, i) => i) }],
    nodes: names.map((name, i) => ({ name, mesh: i })),
    meshes: names.map((name, i) => ({ name, primitives: [{ attributes: { POSITION: i } }] })),
    accessors: names.map((_, i) => ({
      bufferView: i,
      componentType: 5126,
      count: 3,
      type: 'VEC3',
      min: [i, 0, 0],
      max: [i + 1, 1, 0],
    })),
    bufferViews: names.map((_, i) => ({ buffer: 0, byteOffset: 36 * i, byteLength: 36 })),
    buffers: [{ byteLength: bin.byteLength }],
  };
  return buildGlb(JSON.stringify(json), bin);
}
