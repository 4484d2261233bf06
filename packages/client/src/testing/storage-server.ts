import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { applyArrivalFault } from './arrival-faults.js';
import { faultContextOf, type TruncateFault, type TruncateNoLengthFault } from './faults.js';
import type { ResultFile } from './segment-runner.js';
import type { EmulatorState } from './state.js';

/** `/assets/<id>.glb` (the URL the API hands out), `/r/<hop>/<id>.glb` (redirect hops), `/blobs/<id>.glb`. */
const ASSET_PATH = /^\/(?:assets|r\/(\d+)|blobs)\/([^/]+)\.glb$/;
const THUMBNAIL_PATH = /^\/thumbnails\/([^/]+)\.png$/;

/** A 1x1 transparent PNG: the old status shape's `thumbnail` points at one. */
const THUMBNAIL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/**
 * The storage origin: a different port, so a different origin from the API, like the provider's
 * storage host. It needs no credentials (the URL is the capability) and records any request that
 * carries an Authorization header, which a client must never send here. Expired results answer
 * 403 with an S3-style XML body (or 404 if configured), as a presigned URL past its expiry does.
 */
export async function handleStorageRequest(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const context = faultContextOf('storage', req);
  const { method, path } = context;
  state.stats.storageRequests++;
  if (req.headers.authorization !== undefined) state.stats.storageAuthHeaders++;

  if (await applyArrivalFault(state, req, res, context)) return;
  if (method !== 'GET' && method !== 'HEAD')
    return sendText(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });

  const thumbnail = THUMBNAIL_PATH.exec(path);
  if (thumbnail?.[1] && state.tasks.get(decodeURIComponent(thumbnail[1]))) {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': THUMBNAIL.byteLength });
    res.end(method === 'HEAD' ? undefined : THUMBNAIL);
    return;
  }
  const asset = ASSET_PATH.exec(path);
  const taskId = asset?.[2] ? decodeURIComponent(asset[2]) : undefined;
  const task = taskId === undefined ? undefined : state.tasks.get(taskId);
  const now = state.options.now();
  const view = task ? state.tasks.view(task, now) : undefined;
  if (!asset || !taskId || view?.status !== 'FINISHED') return sendText(res, 404, 'Not Found');
  if (now >= view.expiresAt) return sendExpired(res, state.options.expiredStatus);

  const hop = asset[1] === undefined ? (path.startsWith('/blobs/') ? undefined : 0) : Number(asset[1]);
  if (hop !== undefined && hop < state.options.redirectHops) {
    const next = hop + 1 < state.options.redirectHops ? `/r/${hop + 1}/` : '/blobs/';
    res.writeHead(302, {
      location: `${state.storageUrl}${next}${encodeURIComponent(taskId)}.glb`,
      'content-length': 0,
    });
    res.end();
    return;
  }
  const fault =
    method === 'GET'
      ? state.faults.take('asset', context, ['truncate', 'truncateNoLength'] as const)
      : undefined;
  if (fault) {
    state.logger.debug(`fault ${fault.kind}`, { ...context });
    return sendTruncated(res, view.file, fault);
  }
  res.writeHead(200, { 'content-type': 'model/gltf-binary', 'content-length': view.file.byteLength });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(view.file.path), res).catch(() => undefined);
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendExpired(res: ServerResponse, status: 403 | 404): void {
  const code = status === 403 ? 'AccessDenied' : 'NoSuchKey';
  const message = status === 403 ? 'Request has expired' : 'The specified key does not exist.';
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

/**
 * Sends only part of a result. `truncate` promises the full Content-Length and closes the connection
 * early; `truncateNoLength` streams chunked and, by default, ends the chunked body cleanly, which only
 * the GLB header's own length can catch.
 */
async function sendTruncated(
  res: ServerResponse,
  file: ResultFile,
  fault: TruncateFault | TruncateNoLengthFault,
): Promise<void> {
  const sent = Math.floor(file.byteLength * (fault.fraction ?? 0.5));
  const withLength = fault.kind === 'truncate';
  res.writeHead(200, {
    'content-type': 'model/gltf-binary',
    ...(withLength ? { 'content-length': file.byteLength } : { 'transfer-encoding': 'chunked' }),
  });
  if (sent > 0) {
    // Each chunk's callback means the bytes reached the socket, so the close below loses none of them.
    for await (const chunk of createReadStream(file.path, { start: 0, end: sent - 1 })) {
      await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    }
  }
  if (!withLength && !fault.abrupt) {
    res.end();
    return;
  }
  // Close gracefully (FIN, not RST) so the client reads the partial body before it sees the end.
  const socket: Socket | null = res.socket;
  socket?.end();
}
