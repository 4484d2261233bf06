import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyArrivalFault } from './arrival-faults.js';
import { budgetHeaders } from './budget-headers.js';
import { type FaultContext, faultContextOf } from './faults.js';
import type { HashedFile } from './hashed-file.js';
import { fetchModelUrl } from './model-url.js';
import { parseSubmission, SubmissionError } from './multipart.js';
import { sendRateLimited } from './rate-limited.js';
import { drain, sendError, sendJson } from './responses.js';
import { runSegment } from './segment-runner.js';
import type { EmulatorState } from './state.js';
import type { ApiRoute } from './stats.js';
import { renderStatusBody } from './status-body.js';

/** The documented paths (every one ends with a slash). */
export const API_PATHS = {
  submit: '/v1/3d-models/tripo/mesh-segmentation/',
  status: (taskId: string) => `/v1/generation-request/${encodeURIComponent(taskId)}/status/`,
  wallet: '/account/user/wallet/',
} as const;

const STATUS_PATH = /^\/v1\/generation-request\/([^/]+)\/status\/$/;

interface Route {
  name: ApiRoute;
  /** The method the path accepts; a request with another gets 405. */
  method: 'GET' | 'POST' | undefined;
  taskId?: string;
}

function routeOf(path: string): Route {
  if (path === API_PATHS.submit) return { name: 'submit', method: 'POST' };
  if (path === API_PATHS.wallet) return { name: 'wallet', method: 'GET' };
  const status = STATUS_PATH.exec(path);
  if (status?.[1]) return { name: 'status', method: 'GET', taskId: decodeURIComponent(status[1]) };
  return { name: 'other', method: undefined };
}

/**
 * The API origin. Order of checks, as a proxy then an application would apply them: arrival faults
 * (the proxy), routing, auth (401), the rate limit (429, every authenticated request counts), then
 * the route itself.
 */
export async function handleApiRequest(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const context = faultContextOf('api', req);
  const { method, path } = context;
  const route = routeOf(path);
  state.stats.request(route.name);

  if (await applyArrivalFault(state, req, res, context)) return;

  if (!isAuthorized(req.headers.authorization, state.options.apiKey)) {
    state.stats.unauthorized++;
    await drain(req);
    return sendError(
      res,
      state.options,
      { status: 401, code: 'UNAUTHORIZED', message: 'Invalid, expired or revoked API key' },
      { 'www-authenticate': 'Bearer' },
    );
  }

  const now = state.options.now();
  const decision = state.window.admit(state.options.apiKey, now);
  const quota = state.window.quota(state.options.apiKey, now);
  for (const [name, value] of Object.entries(
    budgetHeaders(state.options.rateLimitHeaders, state.options.rateLimit, quota),
  )) {
    if (value !== undefined) res.setHeader(name, value);
  }
  if (!decision.allowed) {
    await drain(req);
    return sendRateLimited(state, res, state.options.rateLimitRetryAfter, decision.retryAfterMs / 1000);
  }

  if (route.method === undefined) {
    await drain(req);
    return sendError(res, state.options, { status: 404, code: 'NOT_FOUND', message: `No route ${path}` });
  }
  if (route.method !== method) {
    await drain(req);
    return sendError(
      res,
      state.options,
      { status: 405, code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}` },
      { allow: route.method },
    );
  }
  switch (route.name) {
    case 'submit':
      return handleSubmit(state, req, res, context);
    case 'status':
      return handleStatus(state, res, route.taskId ?? '', context);
    case 'wallet':
      return sendJson(res, 200, { balance: state.tasks.balance(state.options.now()).toFixed(2) });
    case 'other':
      return;
  }
}

/** Compares `Bearer <key>` in constant time (digests first, so lengths leak nothing either). */
function isAuthorized(header: string | undefined, apiKey: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]), digest(apiKey));
}

async function handleSubmit(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  context: FaultContext,
): Promise<void> {
  const { options } = state;
  let upload: { file: HashedFile; filename: string };
  try {
    const submission = await parseSubmission(req, state.dir, options.maxUploadBytes);
    upload =
      submission.kind === 'file'
        ? submission
        : await fetchModelUrl(submission.url, {
            dir: state.dir,
            maxUploadBytes: options.maxUploadBytes,
            fetchModelUrl: options.fetchModelUrl,
            dispatcher: state.dispatcher,
            signal: state.signal,
          });
  } catch (error) {
    if (!(error instanceof SubmissionError)) throw error;
    await Promise.all(error.files.map((f) => unlink(f.path).catch(() => undefined)));
    return sendError(res, options, error);
  }

  const now = options.now();
  if (!state.tasks.canAfford(now)) {
    await unlink(upload.file.path).catch(() => undefined);
    const balance = state.tasks.balance(now).toFixed(2);
    return sendError(res, options, {
      status: 402,
      code: 'INSUFFICIENT_CREDITS',
      message: `Insufficient credits: balance ${balance}, a segmentation costs ${options.costPerTask}`,
    });
  }

  const taskId = randomUUID();
  const result = state.track(
    runSegment({
      upload: upload.file,
      filename: upload.filename,
      taskId,
      segment: options.segment,
      dir: state.dir,
      signal: state.signal,
    }),
  );
  const task = state.tasks.create(
    { id: taskId, sha256: upload.file.sha256, filename: upload.filename, result },
    now,
  );
  state.stats.submission(upload.file.sha256);
  state.logger.info('task created', { taskId, sha256: upload.file.sha256, bytes: upload.file.byteLength });

  const fail = state.faults.take('created', context, ['fail']);
  if (fail) task.failReason = fail.reason ?? 'Segmentation failed (injected fault)';
  if (state.faults.take('created', context, ['expire'])) task.expiredOnArrival = true;
  if (state.faults.take('created', context, ['acceptThenDrop'])) {
    state.logger.debug('fault acceptThenDrop', { taskId });
    req.socket.destroy();
    return;
  }
  sendJson(res, 200, { task_id: taskId, created_at: new Date(now).toISOString() });
}

function handleStatus(
  state: EmulatorState,
  res: ServerResponse,
  taskId: string,
  context: FaultContext,
): void {
  const task = state.tasks.get(taskId);
  if (!task) {
    sendError(res, state.options, { status: 404, code: 'NOT_FOUND', message: `No task ${taskId}` });
    return;
  }
  const view = state.tasks.view(task, state.options.now());
  task.polls++;
  const unknown = state.options.unknownStatus;
  const running = view.status === 'PENDING' || view.status === 'IN_PROGRESS';
  const statusOverride = unknown && running && task.polls <= unknown.polls ? unknown.status : undefined;
  const emptyResults = view.status === 'FINISHED' && state.faults.take('finishedPoll', context) !== undefined;
  sendJson(
    res,
    200,
    renderStatusBody(view, {
      shape: state.options.statusShape,
      storageUrl: state.storageUrl,
      taskId,
      statusOverride,
      emptyResults,
    }),
  );
}
