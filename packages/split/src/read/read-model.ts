import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Document, GLB_BUFFER, type GLTF, type ILogger } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { ModelLimitError, ModelReadError } from '../errors.js';
import { type ModelLimits, resolveLimits } from '../options.js';
import { type CodecNeeds, codecNeedsOfNames, createIO } from './codecs.js';
import { checkDocumentValues } from './document-values.js';
import { formatBytes } from './format-bytes.js';
import { checkGlbContainer, isGLB, peekJSON, repairGLBAlignment } from './glb-container.js';
import { importedMeshFormat, importMesh } from './mesh-import.js';
import { preflightGltf } from './preflight.js';
import { assertResourcesInside, hasExternalURIs, readCheckedResources } from './resources.js';

export type { CodecNeeds } from './codecs.js';
export { codecNeedsOf, createIO } from './codecs.js';
export { repairGLBAlignment } from './glb-container.js';

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

function namesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === 'string') : [];
}

/** The codecs a .glb or .gltf needs to be read, from its JSON alone (no buffer is decoded). */
export function codecNeedsOfBytes(bytes: Uint8Array, source = '<bytes>'): CodecNeeds {
  const json = peekJSON(bytes, source);
  return codecNeedsOfNames(new Set([...namesOf(json.extensionsUsed), ...namesOf(json.extensionsRequired)]));
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
 * A model file read and checked from its JSON (the GLB container, resources inside the model's
 * folder, preflight, required extensions), not yet parsed: what both ways of splitting start from.
 * The byte-level split (fast/) takes it from here for the layouts it covers; {@link parseModel}
 * makes the glTF-Transform Document for everything else.
 */
export interface LoadedModel {
  /** The main file's bytes (the .glb, or the .gltf JSON). */
  bytes: Uint8Array;
  /** Its parsed JSON, checked by preflight. */
  json: Record<string, unknown>;
  /** Length of the GLB's BIN chunk, when it has one. */
  binLength: number | undefined;
  /** Name in messages (the path, or the caller's name for bytes). */
  source: string;
  /** File name for the manifest. */
  file: string;
  /** External resources as resources.ts checked them (read from a path only). */
  checked: Awaited<ReturnType<typeof assertResourcesInside>> | undefined;
  /** Codecs the file needs. */
  codecs: CodecNeeds;
}

/**
 * Reads a .glb or .gltf from a path, or a GLB / glTF JSON from bytes, and checks it from its JSON
 * (see {@link LoadedModel}); nothing is parsed into a Document. Throws like {@link readModel}.
 */
export async function loadModel(
  input: string | Uint8Array,
  options: Omit<ReadModelOptions, 'logger'> = {},
): Promise<LoadedModel> {
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
      // and a device or a FIFO (which would never end) is not read at all. The checks are made on
      // the OPEN file, opened with O_NONBLOCK: a file swapped for a FIFO after a check of its path
      // would otherwise block the open until a writer came (a run that hangs for good).
      const handle = await open(input, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const info = await handle.stat();
        if (info.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
        if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTREGULAR' });
        if (info.size > limits.maxFileBytes) throw tooBig(info.size);
        // A view on the Buffer, not `new Uint8Array(buffer)`, which would copy the whole file.
        const buffer = await handle.readFile();
        bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      } finally {
        await handle.close();
      }
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
  // An .obj or .stl (by the path's extension, or the caller's name for bytes; a GLB by content stays
  // one whatever its name) becomes a GLB here, read as one from now on; the manifest keeps the name.
  const imported = importedMeshFormat(source);
  if (imported && !isGLB(bytes)) bytes = await importMesh(bytes, imported, source, limits);
  const json = peekJSON(bytes, source);
  const binLength = checkGlbContainer(bytes, source);
  const checked = typeof input === 'string' ? await assertResourcesInside(json, input, source) : undefined;
  const externalLengths = checked?.bufferLengths ?? new Map<number, number>();
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
  return {
    bytes,
    json: json as Record<string, unknown>,
    binLength,
    source,
    file: typeof input === 'string' ? basename(input) : source,
    checked,
    codecs: codecNeedsOfNames(used),
  };
}

/** Parses a loaded model into a glTF-Transform Document and checks its values. */
export async function parseModel(loaded: LoadedModel, logger?: ILogger): Promise<ReadModel> {
  const { json, binLength, source, checked, codecs } = loaded;
  // glTF-Transform makes typed arrays on the bytes' buffer: bytes that do not start at a multiple of 4
  // within it (a GLB inside a larger buffer) are copied first.
  const bytes = loaded.bytes.byteOffset % 4 === 0 ? loaded.bytes : loaded.bytes.slice();
  const io = await createIO(codecs);
  if (logger) io.setLogger(logger);
  let document: Document;
  try {
    const repaired = repairGLBAlignment(bytes);
    // A GLB that references no external file is parsed from the bytes already in memory. External
    // files are read here, through the handles resources.ts checks (never by glTF-Transform, which
    // would open them again after the check), and handed to glTF-Transform as bytes.
    if (repaired !== bytes || (isGLB(bytes) && !hasExternalURIs(json))) {
      document = await io.readBinary(repaired);
    } else {
      const external =
        checked && hasExternalURIs(json) ? await readCheckedResources(json, checked, source) : {};
      const bin = isGLB(bytes) && binLength !== undefined ? glbBinChunk(bytes, binLength) : undefined;
      document = await io.readJSON({
        json: json as unknown as GLTF.IGLTF,
        resources: { ...external, ...(bin ? { [GLB_BUFFER]: bin } : {}) },
      });
    }
  } catch (error) {
    // Our own refusals (a missing or escaping resource) already say what they are about.
    if (error instanceof ModelReadError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ModelReadError(source, `cannot read ${source} as glTF: ${reason}`, { cause: error });
  }
  checkDocumentValues(document, source);
  if (logger) document.setLogger(logger);
  document
    .getLogger()
    .debug(
      `readModel: ${source}: ${bytes.byteLength} bytes${codecs.draco ? ', Draco' : ''}${codecs.meshopt ? ', meshopt' : ''}`,
    );
  return { document, bytes, file: loaded.file, codecs };
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
  return parseModel(await loadModel(input, options), options.logger);
}

/** The BIN chunk of a GLB whose container checkGlbContainer accepted (it follows the JSON chunk). */
function glbBinChunk(bytes: Uint8Array, binLength: number): Uint8Array<ArrayBuffer> {
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset + 12, 4).getUint32(0, true);
  const start = bytes.byteOffset + 20 + jsonLength + 8;
  return new Uint8Array(bytes.buffer as ArrayBuffer, start, binLength);
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
