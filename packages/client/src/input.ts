/**
 * Turning a caller's model input into something uploadable, with the checks that must happen before
 * paying: the file exists, is not empty, is a GLB/glTF/FBX/OBJ/STL, and is under the size limit.
 *
 * Paths are uploaded straight from disk (read afresh for each attempt through a ring of four reused
 * 64 KiB buffers, see file-chunks.ts: the file is never read into memory, and the read allocates no
 * garbage per chunk). Streams are spooled to a temporary file first, because the size and format
 * checks need the whole input before paying, and because a 429 on the submission must be able to resend
 * the same bytes. Buffers (sent from the caller's memory, never copied) and Blobs are used as they are.
 *
 * A `.gltf` is uploaded as the single JSON file given: external `.bin` and texture files are not
 * bundled (the API takes one file). Convert to GLB first for models with external resources.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError, UnsupportedInputError } from './errors.js';
import { FILE_CHUNKS_DEFAULTS, readFileChunks } from './file-chunks.js';
import { detectFormat, FORMAT_SNIFF_BYTES, type ModelFormat } from './input-format.js';

/** What `segmentation.create()` and `segment()` accept as the model. */
export type ModelSource = string | Uint8Array | Blob | ReadableStream<Uint8Array> | NodeJS.ReadableStream;

/** A model ready to upload, and what was checked about it. */
export interface PreparedModel {
  /**
   * Opens the content for one upload attempt. For paths and spooled streams: `readFileChunks`, whose
   * chunks are views of reused buffers, valid only until the consumer has asked for four more.
   */
  open(): AsyncIterable<Uint8Array> | NodeJS.ReadableStream;
  filename: string;
  format: ModelFormat;
  byteLength: number;
  /** Removes the spool file of a stream input; a no-op otherwise. */
  cleanup(): Promise<void>;
}

const MB = 1024 * 1024;

function sizeText(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

function checkSize(byteLength: number, maxBytes: number, what: string): void {
  if (byteLength === 0) throw new UnsupportedInputError(`${what} is empty.`);
  if (byteLength > maxBytes) {
    throw new PayloadTooLargeError(
      `${what} is ${sizeText(byteLength)}, over the ${sizeText(maxBytes)} upload limit ` +
        '(the upstream accepts up to 150 MB; raise maxUploadBytes only if the provider raised it).',
    );
  }
}

function checkFormat(head: Uint8Array, filename: string, what: string): ModelFormat {
  const detected = detectFormat(head, filename);
  if (!detected.ok) throw new UnsupportedInputError(`${what} ${detected.reason}.`);
  return detected.format;
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(FORMAT_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const noCleanup = async (): Promise<void> => {};

async function fromPath(
  path: string,
  filename: string | undefined,
  maxBytes: number,
  reuseBuffers = true,
): Promise<PreparedModel> {
  const what = `The model file ${JSON.stringify(path)}`;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    throw new UnsupportedInputError(`${what} ${why}.`, { cause: error });
  }
  if (!info.isFile()) throw new UnsupportedInputError(`${what} is not a regular file.`);
  checkSize(info.size, maxBytes, what);
  const name = filename ?? basename(path);
  const format = checkFormat(await readHead(path), name, what);
  // Read again from disk for each attempt: the file is never held in memory.
  const open = () => readFileChunks(path, info.size, { reuse: reuseBuffers });
  return { open, filename: name, format, byteLength: info.size, cleanup: noCleanup };
}

/** Views of `bytes`, 64 KiB at a time: the caller's memory is sent as it is, never copied. */
async function* byteChunks(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < bytes.byteLength; offset += FILE_CHUNKS_DEFAULTS.chunkBytes) {
    yield bytes.subarray(offset, offset + FILE_CHUNKS_DEFAULTS.chunkBytes);
  }
}

/**
 * Bytes are uploaded from the caller's own buffer. (They went through `new Blob([bytes])` before,
 * which copies the whole model, i.e. 150 MB more memory for a 150 MB upload.) The caller must not
 * change the buffer while the call runs, as with any API that takes bytes.
 */
function fromBytes(bytes: Uint8Array, filename: string | undefined, maxBytes: number): PreparedModel {
  const what = `The model${filename === undefined ? '' : ` ${JSON.stringify(filename)}`}`;
  checkSize(bytes.byteLength, maxBytes, what);
  const format = checkFormat(bytes.subarray(0, FORMAT_SNIFF_BYTES), filename ?? '', what);
  return {
    open: () => byteChunks(bytes),
    filename: filename ?? `model.${format}`,
    format,
    byteLength: bytes.byteLength,
    cleanup: noCleanup,
  };
}

async function fromBlob(blob: Blob, filename: string | undefined, maxBytes: number): Promise<PreparedModel> {
  const name = filename ?? (blob instanceof File && blob.name !== '' ? blob.name : undefined);
  const what = `The model${name === undefined ? '' : ` ${JSON.stringify(name)}`}`;
  checkSize(blob.size, maxBytes, what);
  const head = new Uint8Array(await blob.slice(0, FORMAT_SNIFF_BYTES).arrayBuffer());
  const format = checkFormat(head, name ?? '', what);
  const open = () => blob.stream() as unknown as AsyncIterable<Uint8Array>;
  return { open, filename: name ?? `model.${format}`, format, byteLength: blob.size, cleanup: noCleanup };
}

/** A pass-through that fails as soon as more than `maxBytes` went through it. */
function sizeCap(maxBytes: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        callback(
          new PayloadTooLargeError(
            `${what} is over the ${sizeText(maxBytes)} upload limit (stopped reading it).`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}

async function fromStream(
  stream: ReadableStream<Uint8Array> | NodeJS.ReadableStream,
  filename: string | undefined,
  maxBytes: number,
  signal: AbortSignal | undefined,
  reuseBuffers: boolean,
): Promise<PreparedModel> {
  const what = `The model stream${filename === undefined ? '' : ` ${JSON.stringify(filename)}`}`;
  const dir = await mkdtemp(join(tmpdir(), 'meshparts-upload-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'model');
    const source =
      stream instanceof ReadableStream
        ? Readable.fromWeb(stream as import('node:stream/web').ReadableStream)
        : stream;
    await pipeline(
      source,
      sizeCap(maxBytes, what),
      createWriteStream(path),
      signal === undefined ? {} : { signal },
    );
    const prepared = await fromPath(path, filename ?? '', maxBytes, reuseBuffers).catch((error: unknown) => {
      if (error instanceof UnsupportedInputError || error instanceof PayloadTooLargeError) {
        // Re-word: the caller gave a stream, not our spool file's path.
        const Ctor = error.constructor as typeof UnsupportedInputError;
        throw new Ctor(error.message.replace(`The model file ${JSON.stringify(path)}`, what));
      }
      throw error;
    });
    return { ...prepared, filename: filename ?? `model.${prepared.format}`, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function isNodeReadable(value: unknown): value is NodeJS.ReadableStream {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { pipe?: unknown }).pipe === 'function' &&
    typeof (value as { on?: unknown }).on === 'function'
  );
}

/** Check a model input and make it uploadable. Throws UnsupportedInputError / PayloadTooLargeError. */
export async function prepareModel(
  model: ModelSource,
  options: {
    filename?: string;
    maxBytes: number;
    signal?: AbortSignal;
    /**
     * Read files through reused buffers (default true). The client passes false when the caller
     * brought its own dispatcher, whose sockets may queue more than the ring holds (file-chunks.ts).
     */
    reuseBuffers?: boolean;
  },
): Promise<PreparedModel> {
  const { filename, maxBytes, signal, reuseBuffers = true } = options;
  if (typeof model === 'string') return fromPath(model, filename, maxBytes, reuseBuffers);
  if (model instanceof Uint8Array) return fromBytes(model, filename, maxBytes);
  if (model instanceof Blob) return fromBlob(model, filename, maxBytes);
  if (model instanceof ReadableStream || isNodeReadable(model))
    return fromStream(model, filename, maxBytes, signal, reuseBuffers);
  throw new UnsupportedInputError(
    'The model must be a file path, a Uint8Array/Buffer, a Blob, or a readable stream.',
  );
}
