import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { type HashedFile, writeHashed } from './hashed-file.js';

/** A submission's body, parsed: either the uploaded file (already on disk) or the `model_url` field. */
export type Submission = { kind: 'file'; file: HashedFile; filename: string } | { kind: 'url'; url: string };

/** Why a body was refused; the API answers it with the status and code given. */
export class SubmissionError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly code: 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE',
    message: string,
    readonly field?: string,
    /** Files written before the problem was found; the caller deletes them. */
    readonly files: HashedFile[] = [],
  ) {
    super(message);
    this.name = 'SubmissionError';
  }
}

const MAX_FIELD_BYTES = 64 * 1024;

/**
 * Parses a `multipart/form-data` submission with busboy, streaming the `model` file part to a file in
 * `dir` while hashing it (never holding the upload in memory). Enforces the documented contract:
 * exactly one of `model` (a file part) or `model_url` (a text field); other fields are ignored, as
 * form-handling frameworks do. Resolves only once the whole request body has been read, so an error
 * answer never races the client's upload.
 */
export function parseSubmission(
  req: IncomingMessage,
  dir: string,
  maxUploadBytes: number,
): Promise<Submission> {
  return new Promise<Submission>((resolve, reject) => {
    // A request held by a `delay` fault may have lost its client already: its 'close' event fired
    // before we listen, so check now, or the parse would wait forever for a body that never ends.
    if (req.destroyed) {
      reject(new SubmissionError(400, 'VALIDATION_FAILED', 'the request was aborted before its body ended'));
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\b/i.test(contentType)) {
      req.resume();
      req.once('end', () =>
        reject(new SubmissionError(400, 'VALIDATION_FAILED', 'the body must be multipart/form-data')),
      );
      req.once('error', reject);
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Real servers read RFC 7578 filenames as UTF-8; busboy's default is latin1.
        defParamCharset: 'utf8',
        limits: { fileSize: maxUploadBytes, fieldSize: MAX_FIELD_BYTES, files: 4, fields: 32, parts: 36 },
      });
    } catch (error) {
      req.resume();
      reject(new SubmissionError(400, 'VALIDATION_FAILED', `malformed multipart body: ${String(error)}`));
      return;
    }
    const writes: Promise<HashedFile>[] = [];
    const fileStreams: Readable[] = [];
    const problems: SubmissionError[] = [];
    const modelUrls: string[] = [];
    let modelFiles = 0;
    let filename = 'model';
    let tooLarge = false;
    let failed = false;

    const settleFiles = async (): Promise<HashedFile[]> => {
      const results = await Promise.allSettled(writes);
      return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    };
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      // A file part cut off mid-stream never ends by itself: destroy it so its write settles.
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const stream of fileStreams) stream.destroy(reason);
      parser.destroy();
      void settleFiles().then((files) => {
        const message = error instanceof Error ? error.message : String(error);
        reject(
          error instanceof SubmissionError
            ? error
            : new SubmissionError(
                400,
                'VALIDATION_FAILED',
                `malformed multipart body: ${message}`,
                undefined,
                files,
              ),
        );
      });
    };

    parser.on('file', (name, stream, info) => {
      if (name !== 'model') {
        stream.resume();
        return;
      }
      modelFiles++;
      if (modelFiles > 1) {
        stream.resume();
        return;
      }
      filename = info.filename || 'model';
      stream.once('limit', () => {
        tooLarge = true;
      });
      fileStreams.push(stream);
      const write = writeHashed(stream, join(dir, `upload-${randomUUID()}`));
      write.catch(() => undefined);
      writes.push(write);
    });
    parser.on('field', (name, value, info) => {
      if (name === 'model_url') modelUrls.push(value);
      if (name === 'model') {
        problems.push(new SubmissionError(400, 'VALIDATION_FAILED', '`model` must be a file part', 'model'));
      }
      if (info.valueTruncated) {
        problems.push(new SubmissionError(400, 'VALIDATION_FAILED', `field ${name} is too long`, name));
      }
    });
    parser.once('error', fail);
    parser.once('close', () => {
      if (failed) return;
      void (async () => {
        let files: HashedFile[];
        try {
          files = await Promise.all(writes);
        } catch (error) {
          fail(error);
          return;
        }
        const refuse = (status: 400 | 413, code: SubmissionError['code'], message: string, field?: string) =>
          reject(new SubmissionError(status, code, message, field, files));
        if (tooLarge) {
          return refuse(413, 'PAYLOAD_TOO_LARGE', `the model file exceeds ${maxUploadBytes} bytes`, 'model');
        }
        const problem = problems[0];
        if (problem) return refuse(problem.status, problem.code, problem.message, problem.field);
        const given = modelFiles + modelUrls.length;
        if (given === 0) return refuse(400, 'VALIDATION_FAILED', 'one of `model` or `model_url` is required');
        if (given > 1) {
          return refuse(400, 'VALIDATION_FAILED', 'give exactly one of `model` or `model_url`, not several');
        }
        const file = files[0];
        if (file) {
          if (file.byteLength === 0)
            return refuse(400, 'VALIDATION_FAILED', 'the model file is empty', 'model');
          return resolve({ kind: 'file', file, filename });
        }
        resolve({ kind: 'url', url: modelUrls[0] ?? '' });
      })();
    });
    req.once('error', fail);
    req.once('close', () => {
      if (!req.complete) fail(new Error('the request was aborted before its body ended'));
    });
    req.pipe(parser);
  });
}
