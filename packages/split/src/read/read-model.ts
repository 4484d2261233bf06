/// <reference path="../draco3dgltf.d.ts" />
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve, sep } from 'node:path';
import { type Document, type GLTF, type ILogger, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { ModelLimitError, ModelReadError } from '../errors.js';
import { type ModelLimits, resolveLimits } from '../options.js';
import { checkDocumentValues } from './document-values.js';
import { formatBytes } from './format-bytes.js';
import { checkGlbContainer } from './glb-container.js';
import { preflightGltf } from './preflight.js';

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

/** The codecs a document's extensions need in order to be written back compressed. */
export function codecNeedsOf(document: Document): CodecNeeds {
  const names = new Set(
    document
      .getRoot()
      .listExtensionsUsed()
      .map((extension) => extension.extensionName),
  );
  return { draco: names.has(DRACO), meshopt: names.has(MESHOPT) || names.has(MESHOPT_KHR) };
}

/** A model read from disk or memory, with what the manifest needs to know about its source. */
export interface ReadModel {
  document: Document;
  /** The bytes of the main file (the .glb, or the .gltf JSON); external resources are not included. */
  bytes: Uint8Array;
  /** File name for the manifest (`<bytes>` when read from memory without a name). */
  file: string;
  /** Codecs the source used: split parts are re-encoded with the same ones. */
  codecs: CodecNeeds;
}

const GLB_MAGIC = 0x46546c67; // 'glTF'
const JSON_CHUNK = 0x4e4f534a; // 'JSON'

function isGLB(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytes.byteLength >= 12 && view.getUint32(0, true) === GLB_MAGIC;
}

/**
 * Some exporters write a GLB whose JSON chunk length is not a multiple of 4 (the spec requires
 * padding); the BIN chunk then starts unaligned and typed-array views on it fail. The validator
 * reports it, but the data is intact: pad the JSON chunk with spaces (as the spec pads) and rebuild
 * the container. Returns the bytes unchanged when they are aligned.
 */
export function repairGLBAlignment(bytes: Uint8Array): Uint8Array {
  if (!isGLB(bytes) || bytes.byteLength < 20) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(12, true);
  if (jsonLength % 4 === 0 || 20 + jsonLength > bytes.byteLength) return bytes;
  const padded = Math.ceil(jsonLength / 4) * 4;
  const rest = bytes.subarray(20 + jsonLength);
  const out = new Uint8Array(20 + padded + rest.byteLength);
  out.set(bytes.subarray(0, 20 + jsonLength), 0);
  out.fill(0x20, 20 + jsonLength, 20 + padded);
  out.set(rest, 20 + padded);
  const outView = new DataView(out.buffer);
  outView.setUint32(8, out.byteLength, true);
  outView.setUint32(12, padded, true);
  return out;
}

/** Reads the JSON part of a .glb or .gltf without decoding any buffer, to see which codecs it needs. */
/** The top-level glTF JSON fields read before the document is parsed. */
interface PeekedJSON {
  extensionsUsed?: unknown;
  extensionsRequired?: unknown;
  buffers?: unknown;
  images?: unknown;
}

function peekJSON(bytes: Uint8Array, source: string): PeekedJSON {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text: string;
  if (isGLB(bytes)) {
    if (bytes.byteLength < 20) throw new ModelReadError(source, `${source} is a truncated GLB file`);
    const version = view.getUint32(4, true);
    if (version !== 2)
      throw new ModelReadError(source, `${source} is a glTF ${version} GLB: only glTF 2.0 is supported`);
    const chunkLength = view.getUint32(12, true);
    if (view.getUint32(16, true) !== JSON_CHUNK || 20 + chunkLength > bytes.byteLength) {
      throw new ModelReadError(source, `${source} is a corrupt GLB file (bad JSON chunk)`);
    }
    text = new TextDecoder().decode(bytes.subarray(20, 20 + chunkLength));
  } else {
    text = new TextDecoder().decode(bytes);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelReadError(source, `${source} is neither a GLB file nor glTF JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelReadError(source, `${source} is not a glTF document (the JSON is not an object)`);
  }
  const asset = (json as { asset?: { version?: unknown } }).asset;
  if (!asset || typeof asset.version !== 'string' || !asset.version.startsWith('2.')) {
    throw new ModelReadError(
      source,
      `${source} is not a glTF 2.0 document (asset.version missing or not 2.x)`,
    );
  }
  return json as PeekedJSON;
}

/**
 * External resources must stay inside the model's folder: a .gltf is untrusted input, and a URI such
 * as `../../.ssh/id_rsa`, `/etc/passwd` or `file:///etc/passwd` would otherwise be read and embedded
 * in the parts that the user then shares. So: no scheme other than `data:` (no `file:`, no network),
 * no absolute path, nothing that resolves outside the folder, symlinks included (the real path must be
 * inside the folder's real path), and only regular files (not `/dev/zero`, not a FIFO that would hang).
 * Returns the byte length of each external buffer, by index, for the preflight's size checks.
 */
async function assertResourcesInside(
  json: PeekedJSON,
  modelPath: string,
  source: string,
): Promise<Map<number, number>> {
  const folder = resolve(dirname(modelPath));
  const realFolder = await realpath(folder).catch(() => folder);
  const bufferLengths = new Map<number, number>();
  for (const [key, list] of [
    ['buffers', json.buffers],
    ['images', json.images],
  ] as const) {
    if (!Array.isArray(list)) continue;
    for (const [index, item] of list.entries()) {
      const uri = (item as { uri?: unknown } | null)?.uri;
      if (typeof uri !== 'string' || uri.startsWith('data:')) continue;
      const refuse = (why: string): never => {
        throw new ModelReadError(
          source,
          `${source} refers to ${JSON.stringify(uri)} ${why}; refusing to read it`,
        );
      };
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) refuse('(a URL, not a file beside the model)');
      let decoded: string;
      try {
        decoded = decodeURIComponent(uri);
      } catch {
        throw new ModelReadError(source, `${source} has a malformed resource URI ${JSON.stringify(uri)}`);
      }
      const target = resolve(folder, decoded);
      if (isAbsolute(decoded) || (target !== folder && !target.startsWith(folder + sep))) {
        refuse('outside its folder');
      }
      let real: string;
      try {
        real = await realpath(target);
      } catch {
        continue; // missing: glTF-Transform reports it as a missing resource
      }
      if (real !== realFolder && !real.startsWith(realFolder + sep))
        refuse('(a link that leads outside its folder)');
      const info = await stat(real);
      if (!info.isFile()) refuse('(not a regular file)');
      if (key === 'buffers') bufferLengths.set(index, info.size);
    }
  }
  return bufferLengths;
}

/** Whether buffers or images point at files beside the model (not data: URIs, not the GLB chunk). */
function hasExternalURIs(json: { buffers?: unknown; images?: unknown }): boolean {
  const uris = [json.buffers, json.images].flatMap((list) =>
    Array.isArray(list) ? list.map((item) => (item as { uri?: unknown } | null)?.uri) : [],
  );
  return uris.some((uri) => typeof uri === 'string' && !uri.startsWith('data:'));
}

function namesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
}

/** The codecs a .glb or .gltf needs to be read, from its JSON alone (no buffer is decoded). */
export function codecNeedsOfBytes(bytes: Uint8Array, source = '<bytes>'): CodecNeeds {
  const json = peekJSON(bytes, source);
  const used = new Set([...namesOf(json.extensionsUsed), ...namesOf(json.extensionsRequired)]);
  return { draco: used.has(DRACO), meshopt: used.has(MESHOPT) || used.has(MESHOPT_KHR) };
}

/** Options for {@link readModel}. */
export interface ReadModelOptions {
  /** Name used in messages and the manifest when reading from bytes. */
  name?: string;
  /** Logger for glTF-Transform and this package (debug lines, warnings); default glTF-Transform's. */
  logger?: ILogger;
  /**
   * Size limits (`maxFileBytes`, `maxVertices`; `maxParts` is for splitting), defaults in
   * MODEL_LIMITS_DEFAULTS. Past one, a ModelLimitError; nothing big is allocated first.
   */
  limits?: Partial<ModelLimits>;
}

/**
 * Reads a .glb or .gltf (with external or embedded resources) from a path, or a GLB / glTF JSON
 * (embedded resources only) from bytes. Codecs are registered only when the file uses them.
 * Throws {@link ModelReadError} for anything unreadable; nothing is written.
 */
export async function readModel(
  input: string | Uint8Array,
  options: ReadModelOptions = {},
): Promise<ReadModel> {
  const source = typeof input === 'string' ? input : (options.name ?? '<bytes>');
  const limits = resolveLimits(options.limits);
  const tooBig = (size: number) =>
    new ModelLimitError(
      source,
      `${source} is ${formatBytes(size)}, over the limit of ${formatBytes(limits.maxFileBytes)} (--max-file-mb)`,
      'maxFileBytes',
      size,
      limits.maxFileBytes,
    );
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      // The size first, from the file system: a huge file is refused before a byte of it is read,
      // and a device or a FIFO (which would never end) is not read at all.
      const info = await stat(input);
      if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTREGULAR' });
      if (info.size > limits.maxFileBytes) throw tooBig(info.size);
      // A view on the Buffer, not `new Uint8Array(buffer)`, which would copy the whole file.
      const buffer = await readFile(input);
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (error instanceof ModelLimitError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'it is a folder'
            : code === 'ENOTREGULAR'
              ? 'it is not a regular file'
              : (code ?? 'read failed');
      throw new ModelReadError(source, `cannot read ${source}: ${why}`, { cause: error });
    }
  } else {
    bytes = input;
    if (bytes.byteLength > limits.maxFileBytes) throw tooBig(bytes.byteLength);
  }
  const json = peekJSON(bytes, source);
  const binLength = checkGlbContainer(bytes, source);
  const externalLengths =
    typeof input === 'string' ? await assertResourcesInside(json, input, source) : new Map<number, number>();
  preflightGltf(json as Record<string, unknown>, { binLength, externalLengths }, source, limits);
  const used = new Set([...namesOf(json.extensionsUsed), ...namesOf(json.extensionsRequired)]);
  const supported = new Set(ALL_EXTENSIONS.map((extension) => extension.EXTENSION_NAME));
  const unsupported = namesOf(json.extensionsRequired).filter((name) => !supported.has(name));
  if (unsupported.length > 0) {
    throw new ModelReadError(
      source,
      `${source} requires unsupported glTF extension(s): ${unsupported.join(', ')}`,
    );
  }
  const codecs: CodecNeeds = {
    draco: used.has(DRACO),
    meshopt: used.has(MESHOPT) || used.has(MESHOPT_KHR),
  };
  const io = await createIO(codecs);
  if (options.logger) io.setLogger(options.logger);
  let document: Document;
  try {
    const repaired = repairGLBAlignment(bytes);
    // A GLB that references no external file is parsed from the bytes already in memory; anything
    // else is read through the path so relative URIs resolve.
    if (repaired !== bytes || (isGLB(bytes) && !hasExternalURIs(json)))
      document = await io.readBinary(repaired);
    else if (typeof input === 'string') document = await io.read(input);
    else document = await io.readJSON({ json: json as GLTF.IGLTF, resources: {} });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ModelReadError(source, `cannot read ${source} as glTF: ${reason}`, { cause: error });
  }
  checkDocumentValues(document, source);
  if (options.logger) document.setLogger(options.logger);
  document
    .getLogger()
    .debug(
      `readModel: ${source}: ${bytes.byteLength} bytes${codecs.draco ? ', Draco' : ''}${codecs.meshopt ? ', meshopt' : ''}`,
    );
  return { document, bytes, file: typeof input === 'string' ? basename(input) : source, codecs };
}

/** A model read from a path or bytes (with `logger`), or one already read, as it is. */
export async function asReadModel(
  input: string | Uint8Array | ReadModel,
  logger?: ILogger,
  limits?: Partial<ModelLimits>,
): Promise<ReadModel> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  return readModel(input, { ...(logger ? { logger } : {}), ...(limits ? { limits } : {}) });
}
