/**
 * The JSON error bodies the API has been seen to send (API-NOTES.md, "Unknown"). The emulator renders
 * one of them so that client tests can prove every shape parses:
 *
 * - `nested`:      `{"error": {"code": "VALIDATION_FAILED", "message": "..."}}` (the default)
 * - `flat`:        `{"code": "VALIDATION_FAILED", "message": "..."}`
 * - `error_code`:  `{"error_code": "VALIDATION_FAILED", "message": "..."}`
 * - `detail`:      `{"detail": "..."}` (no code at all: clients must map by HTTP status)
 * - `detail_list`: `{"detail": [{"loc": [...], "msg": "...", "type": "validation_failed"}]}` (FastAPI)
 * - `error_string`: `{"error": "..."}`
 */
export type ErrorShape = 'nested' | 'flat' | 'error_code' | 'detail' | 'detail_list' | 'error_string';

/** Every shape, for tests that sweep them. */
export const ERROR_SHAPES: readonly ErrorShape[] = [
  'nested',
  'flat',
  'error_code',
  'detail',
  'detail_list',
  'error_string',
];

/** Codes in UPPER_SNAKE (documented) or lower_snake (seen in public clients). */
export type ErrorCodeCase = 'upper' | 'lower';

/** The codes the emulator uses. The first four are documented; the others fill the gaps. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'INSUFFICIENT_CREDITS'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_ERROR'
  | (string & {});

/** Renders an error body as a JSON string in the chosen shape and code case. */
export function renderErrorBody(
  shape: ErrorShape,
  codeCase: ErrorCodeCase,
  code: ErrorCode,
  message: string,
  field?: string,
): string {
  const c = codeCase === 'lower' ? code.toLowerCase() : code.toUpperCase();
  switch (shape) {
    case 'nested':
      return JSON.stringify({ error: { code: c, message } });
    case 'flat':
      return JSON.stringify({ code: c, message });
    case 'error_code':
      return JSON.stringify({ error_code: c, message });
    case 'detail':
      return JSON.stringify({ detail: message });
    case 'detail_list':
      return JSON.stringify({ detail: [{ loc: field ? ['body', field] : ['body'], msg: message, type: c }] });
    case 'error_string':
      return JSON.stringify({ error: message });
  }
}

const REASONS: Record<number, string> = {
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** An error page like the ones nginx-style proxies in front of APIs answer with. */
export function renderHtmlErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return (
    '<html>\r\n' +
    `<head><title>${title}</title></head>\r\n` +
    '<body>\r\n' +
    `<center><h1>${title}</h1></center>\r\n` +
    '<hr><center>nginx</center>\r\n' +
    '</body>\r\n' +
    '</html>\r\n'
  );
}
