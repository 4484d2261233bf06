/**
 * `client.segmentation`: the paid submission. Pre-checks run before anything is sent (file exists,
 * format, size), so a bad input never costs credits; the task id comes back before anything else.
 */
import { type ClientContext, rememberSubmission, withLifetime } from '../context.js';
import { InvalidResponseError, NotSentError, ValidationError } from '../errors.js';
import { type ModelSource, type PreparedModel, prepareModel } from '../input.js';
import { MODEL_CONTENT_TYPES, uploadFilename } from '../input-format.js';
import { type MultipartBody, multipartBody } from '../multipart.js';
import { SUBMIT_PATH } from '../paths.js';
import type { QueuedRequest } from '../rate-limiter.js';
import { redactUrl } from '../redact.js';
import { type CreatedTask, parseCreated } from '../task.js';

/** Upload a model: a file path, bytes, a Blob or a stream (streams are spooled to a temp file first). */
export interface ModelUpload {
  model: ModelSource;
  /** Name sent with the upload; also tells the format of extension-only types (OBJ, STL, .gltf). */
  filename?: string;
}

/** Let the provider fetch the model from a public URL. */
export interface ModelUrlInput {
  modelUrl: string;
}

/** `{ model, filename? }`, `{ modelUrl }`, or a bare model (path, bytes, Blob, stream) as shorthand. */
export type SegmentationInput = ModelUpload | ModelUrlInput | ModelSource;

/** The object form of any input: a bare model becomes `{ model }`. */
function normalize(input: SegmentationInput): ModelUpload | ModelUrlInput {
  if (
    typeof input === 'string' ||
    input instanceof Uint8Array ||
    input instanceof Blob ||
    input instanceof ReadableStream ||
    typeof (input as { pipe?: unknown }).pipe === 'function'
  ) {
    return { model: input as ModelSource };
  }
  return input as ModelUpload | ModelUrlInput;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout in ms; default: the client's `timeoutMs`. */
  timeoutMs?: number;
}

/** Options of `segmentation.create()`: every request's options, and two hooks of the paid step. */
export interface SubmitOptions extends RequestOptions {
  /**
   * Awaited right before the upload leaves, once the rate limiter granted it (again before a retried
   * attempt): the write-ahead point of the paid step, where a caller records its intent durably. If
   * it throws, nothing is sent and `create()` rejects with a NotSentError whose `cause` is its error.
   */
  beforeSend?: () => void | Promise<void>;
  /** Called when the submission has to wait for its rate-limit turn (for progress displays). */
  onQueued?: (queued: QueuedRequest) => void;
}

/**
 * Extra time the upload may take on top of `timeoutMs`: one second per MB, i.e. the POST of a 150 MB
 * model over an 8 Mbit/s uplink still fits. A timed-out upload is not resubmitted, so be generous.
 */
const UPLOAD_MS_PER_MB = 1000;

function isUrlInput(input: ModelUpload | ModelUrlInput): input is ModelUrlInput {
  return typeof (input as ModelUrlInput).modelUrl === 'string';
}

function checkModelUrl(modelUrl: string): string {
  let url: URL;
  try {
    url = new URL(modelUrl);
  } catch {
    throw new ValidationError(`modelUrl is not an absolute URL: ${JSON.stringify(modelUrl.slice(0, 200))}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(
      `modelUrl must be an http(s) URL the provider can reach, got ${redactUrl(url)}.`,
    );
  }
  return url.toString();
}

export class Segmentation {
  readonly #context: ClientContext;

  constructor(context: ClientContext) {
    this.#context = context;
  }

  /**
   * Submit a segmentation (80 credits). Resolves with `{ taskId, createdAt }` as soon as the API
   * accepted it. A 429 is retried; a failure after the request may have arrived is not (see
   * SubmissionUnknownError).
   */
  create(source: SegmentationInput, options: SubmitOptions = {}): Promise<CreatedTask> {
    return withLifetime(this.#context, options.signal, (signal) =>
      this.#create(source, { ...options, signal }),
    );
  }

  async #create(source: SegmentationInput, options: SubmitOptions): Promise<CreatedTask> {
    const { transport, clock, logger } = this.#context;
    const input = normalize(source);
    let prepared: PreparedModel | undefined;
    let body: () => MultipartBody;
    let extraMs = 0;
    if (isUrlInput(input)) {
      const modelUrl = checkModelUrl(input.modelUrl);
      body = () => multipartBody([{ name: 'model_url', value: modelUrl }]);
    } else {
      let model: PreparedModel;
      try {
        model = await prepareModel(input.model, {
          ...(input.filename === undefined ? {} : { filename: input.filename }),
          maxBytes: this.#context.maxUploadBytes,
          reuseBuffers: this.#context.reuseUploadBuffers,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch (error) {
        // Cancelled while the input was being checked (or spooled): nothing was sent.
        if (options.signal?.aborted) {
          throw new NotSentError(
            'The submission was cancelled before its upload began; nothing was created or billed.',
            { cause: options.signal.reason },
          );
        }
        throw error;
      }
      prepared = model;
      body = () =>
        multipartBody([
          {
            name: 'model',
            filename: uploadFilename(model.filename, model.format),
            contentType: MODEL_CONTENT_TYPES[model.format],
            byteLength: model.byteLength,
            open: model.open,
          },
        ]);
      extraMs = Math.round((model.byteLength / (1024 * 1024)) * UPLOAD_MS_PER_MB);
      logger.debug('studio submitting model', {
        filename: model.filename,
        format: model.format,
        bytes: model.byteLength,
      });
    }
    let answer: unknown;
    try {
      answer = await transport.json({
        method: 'POST',
        path: SUBMIT_PATH,
        body,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.beforeSend === undefined ? {} : { beforeSend: options.beforeSend }),
        ...(options.onQueued === undefined ? {} : { onQueued: options.onQueued }),
        timeoutMs: (options.timeoutMs ?? this.#context.timeoutMs) + extraMs,
      });
    } finally {
      await prepared?.cleanup();
    }
    const created = parseCreated(answer, clock.now);
    if (created === undefined) {
      throw new InvalidResponseError(
        'The API accepted the submission but its answer has no task_id, so the task (which may have been ' +
          'created and billed) cannot be followed. It was not resubmitted.',
        { request: { method: 'POST', url: transport.url(SUBMIT_PATH).toString() } },
      );
    }
    rememberSubmission(this.#context, created.taskId);
    logger.info('studio task submitted', { taskId: created.taskId });
    return created;
  }
}
