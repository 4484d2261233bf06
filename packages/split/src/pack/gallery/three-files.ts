import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * The files of the installed `three` package that a gallery page loads, grouped by what needs them.
 * Each entry is a path inside the `three` package and the path it gets under the page's `three/`
 * folder: `build/*` goes to the top (what the import map's `three` names), `examples/jsm/*` to
 * `addons/*` (what `three/addons/` names), so the addons' own relative imports (`../utils/…`,
 * `../libs/…`) keep working unchanged. The lists are closed under imports: a test follows every
 * `import … from './…'` of the copied files and fails if one is missing.
 */
export interface ThreeFile {
  /** Path inside the installed `three` package. */
  from: string;
  /** Path under the page's `three/` folder. */
  to: string;
}

function build(name: string): ThreeFile {
  return { from: `build/${name}`, to: name };
}

function addon(path: string): ThreeFile {
  return { from: `examples/jsm/${path}`, to: `addons/${path}` };
}

/**
 * Always copied: the renderer, GLTFLoader and what it imports, OrbitControls, the room environment
 * used for lighting, and three's licence (MIT: the notice must travel with the copy). three ships no
 * minified ES build since r17x, so these are the readable files (about 2.3 MB, 0.5 MB gzipped).
 */
export const THREE_CORE_FILES: readonly ThreeFile[] = [
  { from: 'LICENSE', to: 'LICENSE' },
  build('three.module.js'),
  build('three.core.js'),
  addon('loaders/GLTFLoader.js'),
  addon('utils/BufferGeometryUtils.js'),
  addon('utils/SkeletonUtils.js'),
  addon('controls/OrbitControls.js'),
  addon('environments/RoomEnvironment.js'),
];

/** KHR_draco_mesh_compression: DRACOLoader and the WebAssembly decoder (the glTF build). */
export const THREE_DRACO_FILES: readonly ThreeFile[] = [
  addon('loaders/DRACOLoader.js'),
  addon('libs/draco/gltf/draco_wasm_wrapper.js'),
  addon('libs/draco/gltf/draco_decoder.wasm'),
  addon('libs/draco/README.md'),
];

/** EXT_meshopt_compression: the meshopt decoder (its WebAssembly is inside the module). */
export const THREE_MESHOPT_FILES: readonly ThreeFile[] = [addon('libs/meshopt_decoder.module.js')];

/** KHR_texture_basisu: KTX2Loader, its imports and the Basis Universal transcoder. */
export const THREE_KTX2_FILES: readonly ThreeFile[] = [
  addon('loaders/KTX2Loader.js'),
  addon('utils/WorkerPool.js'),
  addon('libs/ktx-parse.module.js'),
  addon('libs/zstddec.module.js'),
  addon('math/ColorSpaces.js'),
  addon('libs/basis/basis_transcoder.js'),
  addon('libs/basis/basis_transcoder.wasm'),
  addon('libs/basis/README.md'),
];

/** The decoders a page may need, by the glTF extension that needs them. */
export type Decoder = 'draco' | 'meshopt' | 'ktx2';

/** Every decoder, in a stable order. */
export const DECODERS: readonly Decoder[] = ['draco', 'meshopt', 'ktx2'];

/** The glTF extension that makes a part file need each decoder. */
export const DECODER_EXTENSIONS: Readonly<Record<Decoder, string>> = {
  draco: 'KHR_draco_mesh_compression',
  meshopt: 'EXT_meshopt_compression',
  ktx2: 'KHR_texture_basisu',
};

const DECODER_FILES: Readonly<Record<Decoder, readonly ThreeFile[]>> = {
  draco: THREE_DRACO_FILES,
  meshopt: THREE_MESHOPT_FILES,
  ktx2: THREE_KTX2_FILES,
};

/** The three files a page with these decoders needs: the core files, then each decoder's. */
export function threeFilesFor(decoders: Iterable<Decoder>): ThreeFile[] {
  const wanted = new Set(decoders);
  return [...THREE_CORE_FILES, ...DECODERS.filter((d) => wanted.has(d)).flatMap((d) => DECODER_FILES[d])];
}

/**
 * The folder of the installed `three` package, found the way Node resolves it from this module
 * (its `exports` map has no `./package.json`, so the CommonJS entry `build/three.cjs` is resolved
 * and its folder's parent taken).
 */
export function threePackageDir(): string {
  const require = createRequire(import.meta.url);
  return resolve(dirname(require.resolve('three')), '..');
}
