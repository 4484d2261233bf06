/**
 * @meshparts/split — split a segmented glTF/GLB into one GLB per part, name the parts, and write a
 * pack (parts/*.glb + manifest.json). See README.md in this package for the maths and the manifest.
 *
 * One call does it all: `splitModel(input, dir, options)`. The steps it chains are exported too:
 * readModel → planParts (detectParts + labels) → nameParts → splitParts → writePack; reassemble is
 * the inverse, verifyPack the check. Entries, each a superset of the previous:
 * `@meshparts/split/options` (choices, defaults, validators, errors; no glTF code) ⊂
 * `@meshparts/split/inspect` ⊂ `@meshparts/split/pack` ⊂ this one, which adds what needs
 * @gltf-transform/functions (reassemble) and the lower-level helpers of each stage.
 */
export * from './detect/labels/index.js';
export { type Bounds, triangleCount, vertexCount } from './geometry.js';
export { type ReassembleOptions, reassemble } from './pack/reassemble.js';
export * from './pack.js';
export { measurePart, type PartStats } from './parts/part-stats.js';
export { pivotMatrix, pivotPoint } from './parts/pivot.js';
export { codecNeedsOf, codecNeedsOfBytes, repairGLBAlignment } from './read/read-model.js';
export { listMeshNodes, sceneBounds, selectScene } from './scene.js';
