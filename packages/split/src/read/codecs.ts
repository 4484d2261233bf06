/// <reference path="../draco3dgltf.d.ts" />
import { type Document, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';

/** Extension names whose data needs a codec (a WASM module) to be read or written. */
const DRACO = 'KHR_draco_mesh_compression';
const MESHOPT = 'EXT_meshopt_compression';
const MESHOPT_KHR = 'KHR_meshopt_compression';

/** Which codecs an IO must carry. Loaded on demand: both are WASM modules that cost time to start. */
export interface CodecNeeds {
  /** Draco decoder (and encoder when `encode`). */
  draco?: boolean;
  /** meshoptimizer decoder (and encoder when `encode`). */
  meshopt?: boolean;
  /** Also register the encoders, for writing compressed files. */
  encode?: boolean;
}

/**
 * Creates a NodeIO with every extension glTF-Transform knows (ALL_EXTENSIONS) and, when asked, the
 * Draco and meshopt codecs. The codecs are imported dynamically so reading a plain file never pays for
 * their WASM start-up.
 */
export async function createIO(needs: CodecNeeds = {}): Promise<NodeIO> {
  const io = new NodeIO().registerExtensions(ALL_EXTENSIONS);
  const dependencies: Record<string, unknown> = {};
  if (needs.draco) {
    const { default: draco3d } = await import('draco3dgltf');
    dependencies['draco3d.decoder'] = await draco3d.createDecoderModule();
    if (needs.encode) dependencies['draco3d.encoder'] = await draco3d.createEncoderModule();
  }
  if (needs.meshopt) {
    const { MeshoptDecoder, MeshoptEncoder } = await import('meshoptimizer');
    await MeshoptDecoder.ready;
    dependencies['meshopt.decoder'] = MeshoptDecoder;
    if (needs.encode) {
      await MeshoptEncoder.ready;
      dependencies['meshopt.encoder'] = MeshoptEncoder;
    }
  }
  return io.registerDependencies(dependencies);
}

/** The codecs that extensions with these names need: the one rule, for files and documents. */
export function codecNeedsOfNames(names: ReadonlySet<string>): CodecNeeds {
  return { draco: names.has(DRACO), meshopt: names.has(MESHOPT) || names.has(MESHOPT_KHR) };
}

/** The codecs a document's extensions need in order to be written back compressed. */
export function codecNeedsOf(document: Document): CodecNeeds {
  return codecNeedsOfNames(
    new Set(
      document
        .getRoot()
        .listExtensionsUsed()
        .map((extension) => extension.extensionName),
    ),
  );
}
