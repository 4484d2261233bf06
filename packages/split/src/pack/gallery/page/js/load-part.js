import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { SpecularGlossinessPlugin } from './spec-gloss.js';

/** Where the copied three.js addons are (this module is in gallery/js/, three in gallery/three/). */
const ADDONS = new URL('../three/addons/', import.meta.url);

const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;

/**
 * The extensionsUsed of a GLB, read from its JSON chunk, so that a decoder is imported only when a
 * part needs it (a pack carries a decoder only when one of its parts does).
 */
function extensionsUsedOf(buffer) {
  const view = new DataView(buffer);
  if (buffer.byteLength < 20 || view.getUint32(0, true) !== GLB_MAGIC) return new Set();
  const length = view.getUint32(12, true);
  if (view.getUint32(16, true) !== CHUNK_JSON || 20 + length > buffer.byteLength) return new Set();
  try {
    const json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 20, length)));
    return new Set(Array.isArray(json.extensionsUsed) ? json.extensionsUsed : []);
  } catch {
    return new Set();
  }
}

/**
 * Loads part files with GLTFLoader, each once (the part view and the whole-model view share the
 * result). Draco, meshopt and KTX2 decoders are imported on first need.
 */
export class PartLoader {
  constructor(renderer) {
    this.renderer = renderer;
    this.loaded = new Map();
    this.decoders = new Map();
  }

  /** The parsed glTF of a part file (a URL relative to the page). */
  load(url) {
    let gltf = this.loaded.get(url);
    if (!gltf) {
      gltf = this.parse(url);
      this.loaded.set(url, gltf);
    }
    return gltf;
  }

  async parse(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${decodeURIComponent(url)}: HTTP ${response.status}`);
    const buffer = await response.arrayBuffer();
    const used = extensionsUsedOf(buffer);
    const loader = new GLTFLoader();
    loader.register((parser) => new SpecularGlossinessPlugin(parser));
    if (used.has('KHR_draco_mesh_compression')) loader.setDRACOLoader(await this.decoder('draco'));
    if (used.has('EXT_meshopt_compression')) loader.setMeshoptDecoder(await this.decoder('meshopt'));
    if (used.has('KHR_texture_basisu')) loader.setKTX2Loader(await this.decoder('ktx2'));
    const base = new URL('.', new URL(url, location.href)).href;
    return loader.parseAsync(buffer, base);
  }

  decoder(kind) {
    let decoder = this.decoders.get(kind);
    if (!decoder) {
      decoder = this.createDecoder(kind);
      this.decoders.set(kind, decoder);
    }
    return decoder;
  }

  async createDecoder(kind) {
    if (kind === 'draco') {
      const { DRACOLoader } = await import('three/addons/loaders/DRACOLoader.js');
      const draco = new DRACOLoader();
      // The WebAssembly decoder (the only one copied): DRACOLoader picks it wherever WebAssembly exists.
      draco.setDecoderPath(new URL('libs/draco/gltf/', ADDONS).href);
      return draco;
    }
    if (kind === 'meshopt') {
      const { MeshoptDecoder } = await import('three/addons/libs/meshopt_decoder.module.js');
      await MeshoptDecoder.ready;
      return MeshoptDecoder;
    }
    const { KTX2Loader } = await import('three/addons/loaders/KTX2Loader.js');
    const ktx2 = new KTX2Loader();
    ktx2.setTranscoderPath(new URL('libs/basis/', ADDONS).href);
    ktx2.detectSupport(this.renderer);
    return ktx2;
  }
}
