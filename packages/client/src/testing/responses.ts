import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  type ErrorCode,
  type ErrorCodeCase,
  type ErrorShape,
  renderErrorBody,
  renderHtmlErrorPage,
} from './error-body.js';

/** How this emulator writes its JSON error bodies. */
export interface ErrorStyle {
  errorShape: ErrorShape;
  errorCodeCase: ErrorCodeCase;
}

/** Writes a JSON body with an exact Content-Length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An error in the configured shape. */
export function sendError(
  res: ServerResponse,
  style: ErrorStyle,
  error: { status: number; code: ErrorCode; message: string; field?: string | undefined },
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(
    res,
    error.status,
    renderErrorBody(style.errorShape, style.errorCodeCase, error.code, error.message, error.field),
    headers,
  );
}

/** A proxy's HTML error page. */
export function sendHtml(res: ServerResponse, status: number): void {
  const text = renderHtmlErrorPage(status);
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Reads and discards whatever is left of a request body before an early answer, so a client still
 * uploading gets the answer rather than a broken pipe (what a well-behaved server does for bodies of
 * a sane size).
 */
export function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', () => resolve());
    req.resume();
  });
}

/** The code a status fault uses when none is given. */
export function defaultCode(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
    case 403:
      return 'UNAUTHORIZED';
    case 402:
      return 'INSUFFICIENT_CREDITS';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'ERROR';
  }
}
