import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small hostile fake of the 3D AI Studio API on loopback, for what the emulator will not do: it
 * echoes the caller's key back in task ids and failure reasons, sends escape sequences and newlines
 * in its strings, holds a submission's answer after the task exists (the window a `kill -9` or a
 * full disk falls into), or forgets tasks. It counts every request and every submission it took.
 *
 * The result of a task is the uploaded model itself (as the emulator does without a segmenter), so a
 * GLB with named mesh nodes packs into parts.
 */

export interface FakeApiOptions {
  /** The task id the submission answers (default a UUID); gets the caller's key with `{key}`. */
  taskId?: (key: string) => string;
  /** Hold the submission's answer this long after the task was recorded (ms). */
  answerDelayMs?: number;
  /** The status a poll answers: FINISHED with the upload as result (default), or FAILED with a reason. */
  status?:
    | { kind: 'finished' }
    | { kind: 'failed'; reason: (key: string) => string }
    | { kind: 'running'; label: string };
  /** Answer 404 for every status poll (the API forgot its tasks). */
  forgetTasks?: boolean;
  /** Find a task by its id with the caller's key replaced by `[REDACTED]` too (see security tests). */
  acceptRedactedIds?: boolean;
  balance?: number;
}

export interface FakeApi {
  url: string;
  /** Submissions the server took (it records a task as soon as the upload is complete). */
  submissions(): number;
  /** Requests by kind. */
  requests: { submit: number; status: number; wallet: number; asset: number; other: number };
  /** Task ids handed out. */
  tasks(): string[];
  close(): Promise<void>;
}

const SUBMIT = '/v1/3d-models/tripo/mesh-segmentation/';

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const uploads = new Map<string, Buffer>();
  const requests = { submit: 0, status: 0, wallet: 0, asset: 0, other: 0 };
  let base = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const path = new URL(req.url ?? '/', base).pathname;
      if (req.method === 'POST' && path === SUBMIT) {
        requests.submit++;
        const taskId = options.taskId?.(key) ?? randomUUID();
        uploads.set(taskId, fileOf(Buffer.concat(chunks), req.headers['content-type'] ?? ''));
        const answer = () => json(res, 200, { task_id: taskId, created_at: new Date().toISOString() });
        if (options.answerDelayMs) setTimeout(answer, options.answerDelayMs);
        else answer();
        return;
      }
      const status = /^\/v1\/generation-request\/(.+)\/status\/$/.exec(path);
      if (req.method === 'GET' && status) {
        requests.status++;
        const taskId = known(decodeURIComponent(status[1]!), key);
        if (options.forgetTasks || !uploads.has(taskId)) {
          json(res, 404, { error: { code: 'NOT_FOUND', message: 'no such task' } });
          return;
        }
        const kind = options.status ?? { kind: 'finished' };
        if (kind.kind === 'failed') {
          json(res, 200, { status: 'FAILED', progress: 40, failure_reason: kind.reason(key), results: [] });
        } else if (kind.kind === 'running') {
          json(res, 200, { status: kind.label, progress: 50, results: [] });
        } else {
          json(res, 200, {
            status: 'FINISHED',
            progress: 100,
            results: [{ asset: `${base}/assets/${encodeURIComponent(taskId)}.glb`, asset_type: '3D_MODEL' }],
          });
        }
        return;
      }
      if (req.method === 'GET' && path === '/account/user/wallet/') {
        requests.wallet++;
        json(res, 200, { balance: String(options.balance ?? 1000) });
        return;
      }
      const asset = /^\/assets\/(.+)\.glb$/.exec(path);
      if (req.method === 'GET' && asset) {
        requests.asset++;
        const bytes = uploads.get(known(decodeURIComponent(asset[1]!), key));
        if (!bytes) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'model/gltf-binary', 'content-length': bytes.length });
        res.end(bytes);
        return;
      }
      requests.other++;
      json(res, 404, { error: { code: 'NOT_FOUND', message: 'no route' } });
    });
  });
  const known = (id: string, key: string): string => {
    if (uploads.has(id) || !options.acceptRedactedIds || key === '') return id;
    return [...uploads.keys()].find((real) => real.split(key).join('[REDACTED]') === id) ?? id;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    submissions: () => uploads.size,
    requests,
    tasks: () => [...uploads.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The file part of a multipart body (the one upload the API takes). */
function fileOf(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) return body;
  const start = body.indexOf('\r\n\r\n') + 4;
  const end = body.indexOf(Buffer.from(`\r\n--${boundary}--`));
  return body.subarray(start, end > start ? end : body.length);
}
