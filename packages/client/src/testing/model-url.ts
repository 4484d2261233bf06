import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { isLoopbackHost } from '../loopback.js';
import { type HashedFile, writeHashed } from './hashed-file.js';
import { SubmissionError } from './multipart.js';
import type { FetchModelUrl } from './options.js';

/** What fetching a `model_url` needs. */
export interface ModelUrlContext {
  dir: string;
  maxUploadBytes: number;
  fetchModelUrl: FetchModelUrl | undefined;
  /** The emulator's own agent, closed with it, so no fetch outlives `close()`. */
  dispatcher: Dispatcher;
  signal: AbortSignal;
}

/**
 * Fetches a submission's `model_url` to a file, hashing it like an upload. The real API fetches any
 * public URL; the emulator has no internet, so it fetches loopback URLs itself and hands any other to
 * the `fetchModelUrl` hook, refusing the submission (400, nothing charged) when there is none. A URL
 * that cannot be fetched is refused at submission too, before any credit is taken: the documented
 * contract says the URL must be reachable, and failing early is the kinder reading.
 */
export async function fetchModelUrl(
  raw: string,
  context: ModelUrlContext,
): Promise<{ file: HashedFile; filename: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SubmissionError(400, 'VALIDATION_FAILED', '`model_url` is not a valid URL', 'model_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SubmissionError(400, 'VALIDATION_FAILED', '`model_url` must be an http(s) URL', 'model_url');
  }
  const filename = decodeURIComponent(url.pathname.split('/').pop() ?? '') || 'model';
  const path = join(context.dir, `upload-${randomUUID()}`);
  let source: AsyncIterable<Uint8Array>;
  if (isLoopbackHost(url.hostname)) {
    source = await fetchLoopback(url, context);
  } else if (context.fetchModelUrl) {
    source = Readable.from([await fetchWithHook(context.fetchModelUrl, url)]);
  } else {
    throw new SubmissionError(
      400,
      'VALIDATION_FAILED',
      '`model_url` must be publicly reachable; this emulator fetches only loopback URLs (pass fetchModelUrl)',
      'model_url',
    );
  }
  const file = await writeHashed(capped(source, context.maxUploadBytes), path);
  if (file.byteLength === 0) {
    throw new SubmissionError(400, 'VALIDATION_FAILED', '`model_url` points at an empty file', 'model_url', [
      file,
    ]);
  }
  return { file, filename };
}

/** The refusal for a `model_url` that could not be fetched, whatever the cause. */
function unreachable(cause: unknown): SubmissionError {
  if (cause instanceof SubmissionError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SubmissionError(
    400,
    'VALIDATION_FAILED',
    `\`model_url\` could not be fetched: ${reason}`,
    'model_url',
  );
}

async function fetchWithHook(hook: FetchModelUrl, url: URL): Promise<Uint8Array> {
  try {
    return await hook(url);
  } catch (error) {
    throw unreachable(error);
  }
}

async function fetchLoopback(url: URL, context: ModelUrlContext): Promise<AsyncIterable<Uint8Array>> {
  try {
    const response = await request(url, { dispatcher: context.dispatcher, signal: context.signal });
    if (response.statusCode < 200 || response.statusCode > 299) {
      await response.body.dump();
      throw unreachable(`HTTP ${response.statusCode}`);
    }
    return response.body;
  } catch (error) {
    throw unreachable(error);
  }
}

async function* capped(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new SubmissionError(
        413,
        'PAYLOAD_TOO_LARGE',
        `the model at \`model_url\` exceeds ${maxBytes} bytes`,
      );
    }
    yield chunk;
  }
}
