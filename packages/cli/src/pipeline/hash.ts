import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of a file as lowercase hex, streamed (models can be 150 MB). */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
