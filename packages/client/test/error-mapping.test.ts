import { describe, expect, it } from 'vitest';
import { htmlToText, parseErrorBody } from '../src/error-body.js';
import { errorFromResponse } from '../src/error-mapping.js';
import {
  AuthenticationError,
  InsufficientCreditsError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServerError,
  StudioError,
  TaskFailedError,
  TimeoutError,
  ValidationError,
} from '../src/index.js';

const request = { method: 'POST', url: 'https://api.example/v1/3d-models/tripo/mesh-segmentation/' };
const KEY = 'sk-live-0123456789abcdef';

function map(status: number, text: string, contentType = 'application/json') {
  return errorFromResponse({ status, body: parseErrorBody(text, contentType, [KEY]), request });
}

describe('error bodies', () => {
  // Every shape API-NOTES.md lists, upper and lower case codes.
  const shapes: [string, string | undefined, string][] = [
    ['{"error":{"code":"VALIDATION_FAILED","message":"no model"}}', 'VALIDATION_FAILED', 'no model'],
    ['{"code":"validation_failed","message":"no model"}', 'VALIDATION_FAILED', 'no model'],
    ['{"error_code":"VALIDATION_FAILED","error_message":"no model"}', 'VALIDATION_FAILED', 'no model'],
    ['{"error_code":"validation_failed","detail":"no model"}', 'VALIDATION_FAILED', 'no model'],
    ['{"detail":"no model"}', undefined, 'no model'],
    [
      '{"detail":[{"loc":["body","model"],"msg":"field required","type":"missing"}]}',
      undefined,
      'body.model: field required',
    ],
    ['{"error":"no model"}', undefined, 'no model'],
    ['{"error":{"error_code":"VALIDATION_FAILED","detail":"no model"}}', 'VALIDATION_FAILED', 'no model'],
  ];
  it.each(shapes)('parses %s', (text, code, message) => {
    const parsed = parseErrorBody(text, 'application/json', [KEY]);
    expect(parsed.code).toBe(code);
    expect(parsed.message).toBe(message);
    expect(parsed.html).toBe(false);
  });

  it('reduces an HTML page to its text and says it was HTML', () => {
    const page =
      '<html><head><title>502 Bad Gateway</title><style>h1{}</style></head>' +
      '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
    expect(htmlToText(page)).toBe('502 Bad Gateway nginx');
    const error = map(502, page, 'text/html');
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toContain('HTTP 502 Bad Gateway (an HTML error page: "502 Bad Gateway nginx")');
    expect(error.message).not.toContain('<');
    // Even without a content type.
    expect(parseErrorBody('<!DOCTYPE html><title>x</title>', undefined, []).html).toBe(true);
  });

  it('redacts the key from messages and excerpts and keeps excerpts short', () => {
    const text = JSON.stringify({ detail: `invalid key ${KEY}`, padding: 'x'.repeat(1000) });
    const error = map(401, text);
    expect(error.message).not.toContain(KEY);
    expect(error.bodyExcerpt).not.toContain(KEY);
    expect(error.bodyExcerpt!.length).toBeLessThanOrEqual(301);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('tolerates bodies that are not JSON', () => {
    const parsed = parseErrorBody('upstream connect error', 'text/plain', []);
    expect(parsed).toEqual({ html: false, excerpt: 'upstream connect error' });
    expect(parseErrorBody('', undefined, [])).toEqual({ html: false });
  });
});

describe('error mapping', () => {
  it('maps by status first', () => {
    expect(map(400, '{"code":"VALIDATION_FAILED"}')).toBeInstanceOf(ValidationError);
    expect(map(422, '{}')).toBeInstanceOf(ValidationError);
    expect(map(401, '{}')).toBeInstanceOf(AuthenticationError);
    expect(map(403, '{}')).toBeInstanceOf(AuthenticationError);
    expect(map(402, '{"code":"INSUFFICIENT_CREDITS"}')).toBeInstanceOf(InsufficientCreditsError);
    expect(map(404, '{}')).toBeInstanceOf(NotFoundError);
    expect(map(408, '{}')).toBeInstanceOf(TimeoutError);
    expect(map(413, '<html>too large</html>', 'text/html')).toBeInstanceOf(PayloadTooLargeError);
    expect(map(429, '{"code":"RATE_LIMITED"}')).toBeInstanceOf(RateLimitedError);
    expect(map(500, '{}')).toBeInstanceOf(ServerError);
    expect(map(504, '{}')).toBeInstanceOf(ServerError);
    const other = map(409, '{}');
    expect(other.constructor).toBe(StudioError);
    expect(other.status).toBe(409);
  });

  it('then by code, case-insensitively, when the status is generic', () => {
    expect(map(400, '{"error":{"code":"insufficient_credits"}}')).toBeInstanceOf(InsufficientCreditsError);
    expect(map(403, '{"code":"rate_limited"}')).toBeInstanceOf(RateLimitedError);
    expect(map(409, '{"error_code":"NOT_FOUND"}')).toBeInstanceOf(NotFoundError);
    // A definitive status is not overridden by a contradicting code.
    expect(map(402, '{"code":"VALIDATION_FAILED"}')).toBeInstanceOf(InsufficientCreditsError);
  });

  it('carries status, code, request and a rate limit delay', () => {
    const error = errorFromResponse({
      status: 429,
      body: parseErrorBody('{"code":"rate_limited","message":"slow down"}', 'application/json', []),
      request,
      retryAfterMs: 5000,
    });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(5000);
    expect(error.toJSON()).toMatchObject({
      name: 'RateLimitedError',
      status: 429,
      code: 'RATE_LIMITED',
      request,
      retryAfterMs: 5000,
    });
    expect(error.message).toContain('slow down');
  });

  it('TaskFailedError says the credits are refunded', () => {
    const error = new TaskFailedError('t-1', 'mesh is not manifold');
    expect(error.message).toMatch(/t-1 failed: mesh is not manifold.*refunds the credits/);
    expect(error.toJSON()).toMatchObject({ taskId: 't-1', reason: 'mesh is not manifold' });
  });
});
