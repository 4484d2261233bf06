/**
 * Downloading a result asset to disk, safely.
 *
 * - The asset lives on a storage origin, not the API's. The Authorization header is sent only when
 *   the URL itself is on the API's origin, and never after a redirect. Redirects are followed by hand
 *   (at most 5), each hop checked: https anywhere, http only on loopback.
 * - Streamed to `<to>.part-<random>` while counting and hashing (sha256), aborted as soon as it passes
 *   `maxBytes`, then renamed over `to`: a reader never sees a half-written file.
 * - Truncation is detected three ways (a connection that dies mid-body, Content-Length versus bytes
 *   received, the GLB header's own length versus bytes received) and retried a bounded number of times.
 * - 403, 404 or 410 from storage means the result expired (results live 24 hours): ResultExpiredError.
 *
 * Memory: nothing here copies the body. Undici hands out views of the socket's read buffers, the
 * meter below hashes each view and passes the same buffer on, and the file stream writes it as it is;
 * `pipeline`'s backpressure pauses the socket when the disk is slower, so a few 64 KiB chunks are in
 * flight at most. What a download still raises the RSS by (about 27–38 MiB, the same for 40, 150 or
 * 400 MB: BENCHMARKS.md section 5) is those read buffers waiting to be freed: Node allocates a fresh
 * ArrayBuffer for every socket read, and V8 frees young ArrayBuffers in a scavenge it forces once
 * they reach 32 MiB (twice its built-in maximum semi-space; `--trace-gc` shows "external memory
 * pressure"). A socket that reads into one reused buffer (`onread`) would avoid that, but undici
 * reads with `socket.read()`, which `onread` disables. Writing through a FileHandle instead of the
 * Transform and WriteStream was measured too: same rise.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';
import { type ApiTransport, AttemptFailure, isLocalFileError, responseFailure } from './api-transport.js';
import {
  ConnectionError,
  InvalidResponseError,
  PayloadTooLargeError,
  type RequestInfo,
  ResultExpiredError,
  StudioError,
} from './errors.js';
import { isAllowedUrl } from './loopback.js';
import { headerValue, readSmallBody } from './read-body.js';
import { redactSecrets, redactUrl } from './redact.js';

export interface DownloadOptions {
  /** Destination file. Its folder is created if missing; an existing file is replaced atomically. */
  to: string;
  signal?: AbortSignal;
  /** Largest accepted size in bytes. Default 150 MB. */
  maxBytes?: number;
  /** Per-attempt timeout in ms. Default: the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Require a GLB (magic `glTF`, header length = bytes received). Default true: results are GLBs. */
  verifyGlb?: boolean;
}

export interface DownloadResult {
  path: string;
  byteLength: number;
  /** Hex sha256 of the bytes written, computed while streaming. */
  sha256: string;
}

export const DOWNLOAD_DEFAULTS = { maxBytes: 150 * 1024 * 1024, maxRedirects: 5, verifyGlb: true } as const;

interface Written {
  part: string;
  byteLength: number;
  sha256: string;
}

/** Counts, hashes, caps the stream and keeps its first 12 bytes (the GLB header). */
function meter(maxBytes: number, info: RequestInfo) {
  const hash = createHash('sha256');
  const state = { bytes: 0, head: Buffer.alloc(0) };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      state.bytes += chunk.length;
      if (state.bytes > maxBytes) {
        callback(
          new PayloadTooLargeError(
            `The download from ${info.url} is over the ${maxBytes}-byte limit (maxBytes).`,
            {
              request: info,
            },
          ),
        );
        return;
      }
      if (state.head.length < 12)
        state.head = Buffer.concat([state.head, chunk.subarray(0, 12 - state.head.length)]);
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { transform, state, digest: () => hash.digest('hex') };
}

/** One download attempt: follows redirects by hand, streams the body to a `.part-` file, verifies it. */
async function attempt(
  url: string,
  options: DownloadOptions & { maxBytes: number; verifyGlb: boolean },
  transport: ApiTransport,
  signal: AbortSignal,
): Promise<Written> {
  const config = transport.config;
  const apiKey = config.apiKey;
  let current: URL;
  try {
    current = new URL(url);
  } catch (cause) {
    throw new StudioError(`Cannot download ${JSON.stringify(url.slice(0, 200))}: not an absolute URL.`, {
      code: 'INVALID_URL',
      cause,
    });
  }
  for (let hop = 0; ; hop++) {
    const info: RequestInfo = { method: 'GET', url: redactUrl(current) };
    if (!isAllowedUrl(current)) {
      throw new StudioError(
        `Refusing to download ${info.url}: only https URLs are allowed (http only for loopback hosts).`,
        { request: info, code: 'INSECURE_URL' },
      );
    }
    const headers: Record<string, string> = { accept: '*/*', 'user-agent': config.userAgent };
    if (hop === 0 && current.origin === transport.origin && apiKey !== undefined) {
      headers.authorization = `Bearer ${apiKey}`;
    }
    const response = await request(current, {
      method: 'GET',
      headers,
      dispatcher: config.dispatcher,
      signal,
    });
    const status = response.statusCode;
    const location = headerValue(response.headers, 'location');
    if (status >= 300 && status < 400 && location !== undefined) {
      await response.body.dump();
      if (hop >= DOWNLOAD_DEFAULTS.maxRedirects) {
        throw new StudioError(`Too many redirects downloading ${redactUrl(url)}.`, { request: info, status });
      }
      current = new URL(location, current);
      continue;
    }
    if (status === 403 || status === 404 || status === 410) {
      await response.body.dump();
      throw new ResultExpiredError(
        `The result at ${info.url} is no longer available (HTTP ${status}): results expire 24 hours after ` +
          'the task finished. Submit the model again to get a new result.',
        { status, request: info },
      );
    }
    if (status < 200 || status >= 300) {
      const { text } = await readSmallBody(response.body, 64 * 1024);
      throw responseFailure(status, text, response.headers, info, [apiKey], config.clock.now());
    }
    const lengthHeader = headerValue(response.headers, 'content-length');
    const expected = lengthHeader === undefined ? undefined : Number(lengthHeader);
    if (expected !== undefined && expected > options.maxBytes) {
      await response.body.dump().catch(() => {});
      throw new PayloadTooLargeError(
        `The download from ${info.url} is ${expected} bytes, over the ${options.maxBytes}-byte limit (maxBytes).`,
        { request: info, status },
      );
    }
    const part = `${options.to}.part-${randomBytes(6).toString('hex')}`;
    const m = meter(options.maxBytes, info);
    const file = createWriteStream(part, { flags: 'wx' });
    try {
      await pipeline(response.body, m.transform, file);
    } catch (error) {
      // A body that fails at once can fail the pipeline while the file's open is still in flight:
      // removing it before that open ends would leave it behind. Its close comes after the open.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await rm(part, { force: true });
      if (error instanceof StudioError || signal.aborted || isLocalFileError(error)) throw error;
      const detail = redactSecrets(error instanceof Error ? error.message : String(error), [apiKey]);
      throw new AttemptFailure(
        new ConnectionError(
          `The download from ${info.url} was cut short after ${m.state.bytes}` +
            `${expected === undefined ? '' : ` of ${expected}`} bytes (${detail}).`,
          { request: info, cause: error },
        ),
        { kind: 'network', sent: true },
      );
    }
    try {
      verify(m.state.bytes, m.state.head, expected, options.verifyGlb, info);
    } catch (error) {
      await rm(part, { force: true });
      throw error;
    }
    return { part, byteLength: m.state.bytes, sha256: m.digest() };
  }
}

/** Content-Length and GLB header checks. Truncation is retryable; a non-GLB body is not. */
function verify(
  bytes: number,
  head: Buffer,
  expected: number | undefined,
  glb: boolean,
  info: RequestInfo,
): void {
  const truncated = (what: string): AttemptFailure =>
    new AttemptFailure(
      new ConnectionError(`The download from ${info.url} is truncated: ${what}.`, { request: info }),
      { kind: 'network', sent: true },
    );
  if (expected !== undefined && Number.isFinite(expected) && bytes !== expected) {
    throw truncated(`received ${bytes} bytes, Content-Length said ${expected}`);
  }
  if (!glb) return;
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'glTF') {
    throw new InvalidResponseError(`The download from ${info.url} is not a GLB (no "glTF" magic).`, {
      request: info,
    });
  }
  const declared = head.readUInt32LE(8);
  if (declared > bytes) throw truncated(`received ${bytes} bytes, the GLB header says ${declared}`);
  if (declared !== bytes) {
    throw new InvalidResponseError(
      `The download from ${info.url} is not a valid GLB: its header says ${declared} bytes, ${bytes} arrived.`,
      { request: info },
    );
  }
}

/** Download `url` to `options.to`, with the checks described above, retried by the transport's loop. */
export async function downloadResult(
  url: string,
  options: DownloadOptions,
  transport: ApiTransport,
): Promise<DownloadResult> {
  const resolved = {
    ...options,
    maxBytes: options.maxBytes ?? DOWNLOAD_DEFAULTS.maxBytes,
    verifyGlb: options.verifyGlb ?? DOWNLOAD_DEFAULTS.verifyGlb,
  };
  const info: RequestInfo = { method: 'GET', url: redactUrl(url) };
  await mkdir(dirname(options.to), { recursive: true });
  const written = await transport.retrying({
    method: 'GET',
    info,
    subject: `The download from ${info.url}`,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? transport.config.timeoutMs,
    // Storage is not the API: its requests do not spend the API's rate-limit budget.
    limited: false,
    attempt: async (signal) => {
      const part = await attempt(url, resolved, transport, signal);
      try {
        await rename(part.part, options.to);
      } catch (error) {
        await rm(part.part, { force: true });
        throw error;
      }
      return part;
    },
  });
  transport.config.logger.debug('studio download done', { url: info.url, bytes: written.byteLength });
  return { path: options.to, byteLength: written.byteLength, sha256: written.sha256 };
}
