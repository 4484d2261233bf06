import { createHash, webcrypto } from 'node:crypto';

/** sha256 of bytes, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * sha256 of bytes, lowercase hex, computed off the main thread (WebCrypto runs in libuv's pool): a pack
 * hashes every part while the next one is being encoded.
 */
export async function sha256HexAsync(bytes: Uint8Array): Promise<string> {
  const digest = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
}
