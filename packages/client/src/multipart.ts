/**
 * A multipart/form-data body built as an async iterable with an exact Content-Length.
 *
 * The file part flows from the file (64 KiB at a time, through the reused buffers of file-chunks.ts)
 * straight to the socket, so memory stays flat whatever the model size and however many uploads run
 * at once. Encoding the few multipart headers by hand (rather than undici's FormData over
 * `fs.openAsBlob`, which also streams) keeps the Content-Length exact, detects a file that changes
 * size mid-upload, and does not depend on `openAsBlob`, which is still experimental in Node 20. A
 * fresh body is built for every attempt.
 *
 * The body is handed to undici as the async generator itself, not wrapped in a Readable: undici then
 * pulls one chunk, writes it, and waits for 'drain' when the socket is full before pulling the next,
 * which is the hand-over file-chunks.ts relies on to reuse its buffers. A Readable in between would
 * read ahead into its own buffer and blur when a chunk has left.
 */
import { randomBytes } from 'node:crypto';

export type MultipartPart =
  | { name: string; value: string }
  | {
      name: string;
      filename: string;
      contentType: string;
      byteLength: number;
      /** Opens the content; called once per body built. */
      open(): AsyncIterable<Uint8Array> | NodeJS.ReadableStream;
    };

export interface MultipartBody {
  /**
   * The bytes, pulled once by the HTTP client. Chunks may be views of reused buffers: write each one
   * before pulling the next, and do not keep it. `body.return()` ends it early (closing the file).
   */
  body: AsyncGenerator<Uint8Array, void, undefined>;
  contentType: string;
  contentLength: number;
}

/** Quote a header parameter the way the WHATWG HTML spec encodes form data names and filenames. */
function quote(value: string): string {
  return `"${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/** Build one multipart body from the parts, in order. */
export function multipartBody(parts: readonly MultipartPart[]): MultipartBody {
  const boundary = `----meshparts-${randomBytes(16).toString('hex')}`;
  const CRLF = '\r\n';
  const segments: (Buffer | MultipartPart)[] = [];
  let contentLength = 0;
  for (const part of parts) {
    let head = `--${boundary}${CRLF}Content-Disposition: form-data; name=${quote(part.name)}`;
    if ('value' in part) {
      const value = Buffer.from(part.value, 'utf8');
      const bytes = Buffer.concat([Buffer.from(`${head}${CRLF}${CRLF}`, 'utf8'), value, Buffer.from(CRLF)]);
      segments.push(bytes);
      contentLength += bytes.length;
    } else {
      head += `; filename=${quote(part.filename)}${CRLF}Content-Type: ${part.contentType}${CRLF}${CRLF}`;
      const headBytes = Buffer.from(head, 'utf8');
      segments.push(headBytes, part, Buffer.from(CRLF));
      contentLength += headBytes.length + part.byteLength + CRLF.length;
    }
  }
  const tail = Buffer.from(`--${boundary}--${CRLF}`);
  segments.push(tail);
  contentLength += tail.length;

  async function* generate(): AsyncGenerator<Uint8Array, void, undefined> {
    for (const segment of segments) {
      if (Buffer.isBuffer(segment)) {
        yield segment;
      } else if (!('value' in segment)) {
        let sent = 0;
        for await (const chunk of segment.open() as AsyncIterable<Uint8Array>) {
          sent += chunk.length;
          yield chunk;
        }
        // The file changed size since it was checked: the declared Content-Length would be a lie.
        if (sent !== segment.byteLength) {
          throw new Error(
            `${segment.filename} changed while uploading (${sent} bytes, expected ${segment.byteLength}).`,
          );
        }
      }
    }
  }

  return {
    body: generate(),
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
  };
}
