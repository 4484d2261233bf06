/**
 * Reading small response bodies (JSON answers, error pages) with a size cap, so a misbehaving server
 * cannot make the client buffer gigabytes. The rest of an oversized body is discarded.
 */
import type { Dispatcher } from 'undici';

/** Cap for JSON answers and error bodies. */
export const SMALL_BODY_LIMIT = 1024 * 1024;

/** Read up to `limit` bytes as UTF-8 text; `truncated` says whether more was dropped. */
export async function readSmallBody(
  body: Dispatcher.ResponseData['body'],
  limit = SMALL_BODY_LIMIT,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > limit) {
      chunks.push(buffer.subarray(0, limit - size));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** One header value as a string (undici gives string | string[] | undefined). */
export function headerValue(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
