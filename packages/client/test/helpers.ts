/**
 * Shared test helpers: a real, valid GLB built from bytes (no glTF library needed), temp folders, and
 * a client wired to an emulator with a fast budget.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, StudioClient, type StudioClientOptions } from '../src/index.js';
import { type Emulator, type EmulatorOptions, startEmulator } from '../src/testing/index.js';

export const API_KEY = 'sk-test-2f9d8c7b6a5e4d3c';

function pad4(bytes: Buffer, fill: number): Buffer {
  const extra = (4 - (bytes.length % 4)) % 4;
  return extra === 0 ? bytes : Buffer.concat([bytes, Buffer.alloc(extra, fill)]);
}

/**
 * A valid glTF 2.0 binary: one triangle, plus `padBytes` of unused buffer tail to make big files.
 * The Khronos validator accepts it (a test checks), so downloads can be validated for real.
 */
export function makeGlb(padBytes = 0): Buffer {
  const positions = Buffer.alloc(36);
  for (const [i, v] of [0, 0, 0, 1, 0, 0, 0, 1, 0].entries()) positions.writeFloatLE(v, i * 4);
  const bin = pad4(Buffer.concat([positions, Buffer.alloc(padBytes)]), 0);
  const json = {
    asset: { version: '2.0', generator: 'meshparts client tests' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name: 'part' }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
    ],
    bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: 36 }],
    buffers: [{ byteLength: bin.length }],
  };
  const jsonChunk = pad4(Buffer.from(JSON.stringify(json)), 0x20);
  const total = 12 + 8 + jsonChunk.length + 8 + bin.length;
  const header = Buffer.alloc(12);
  header.write('glTF', 0, 'latin1');
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(total, 8);
  const chunkHeader = (length: number, type: number) => {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(length, 0);
    b.writeUInt32LE(type, 4);
    return b;
  };
  return Buffer.concat([
    header,
    chunkHeader(jsonChunk.length, 0x4e4f534a),
    jsonChunk,
    chunkHeader(bin.length, 0x004e4942),
    bin,
  ]);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'meshparts-client-test-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Emulator defaults for fast tests: short tasks, a generous budget. */
export function startFastEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    apiKey: API_KEY,
    durationMs: 150,
    requestsPerMinute: Number.POSITIVE_INFINITY,
    ...options,
  });
}

/** A client for `emulator` with fast retries and polls; options override. */
export function clientFor(emulator: Emulator, options: StudioClientOptions = {}): StudioClient {
  return new StudioClient({
    apiKey: API_KEY,
    baseUrl: emulator.url,
    requestsPerMinute: 6000,
    retry: { initialDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 3000 },
    polling: { expectedDurationMs: 150, maxIntervalMs: 100 },
    ...options,
  });
}

/** A logger that keeps every line (message and fields, as JSON) for assertions. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/**
 * Runs `work` while sampling `process.memoryUsage().arrayBuffers` every 2 ms; returns the highest
 * rise over the level at the start (off-heap buffers: where file and socket chunks live).
 */
export async function peakArrayBufferRise(work: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return peak;
}
