/**
 * Defensive parsing of error bodies. API-NOTES.md lists several shapes seen in the wild, and proxies
 * in front of the API answer with HTML pages; this module turns any of them into a code, a message and
 * a short excerpt that is safe to show.
 */
import { isRecord } from './json.js';
import { redactSecrets } from './redact.js';

/** The longest body excerpt an error carries: enough to diagnose, short enough for a log line. */
export const BODY_EXCERPT_LENGTH = 300;

export interface ParsedErrorBody {
  /** Upper-cased error code (`VALIDATION_FAILED`), when the body had one. */
  code?: string;
  /** A human message from the body, when it had one. */
  message?: string;
  /** Short, redacted, whitespace-collapsed text of the body; HTML reduced to its visible text. */
  excerpt?: string;
  /** True when the body was an HTML page (a proxy's error page, usually). */
  html: boolean;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** `{"detail": [{ "loc": [...], "msg": "..." }]}` (FastAPI / pydantic) or a list of strings. */
function messageFromList(list: unknown[]): string | undefined {
  const parts = list
    .map((item) => {
      if (typeof item === 'string') return item;
      if (!isRecord(item)) return undefined;
      const msg = asText(item.msg) ?? asText(item.message) ?? asText(item.detail);
      const loc = Array.isArray(item.loc) ? item.loc.map(String).join('.') : undefined;
      return msg !== undefined && loc !== undefined ? `${loc}: ${msg}` : msg;
    })
    .filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function messageOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return messageFromList(value);
  return asText(value);
}

/** Code and message from any of the JSON shapes API-NOTES.md lists. */
export function codeAndMessage(body: unknown): { code?: string; message?: string } {
  if (!isRecord(body)) return {};
  const nested = isRecord(body.error) ? body.error : undefined;
  const code =
    asText(nested?.code) ??
    asText(nested?.error_code) ??
    asText(body.code) ??
    asText(body.error_code) ??
    asText(body.errorCode);
  const message =
    messageOf(nested?.message) ??
    messageOf(nested?.detail) ??
    messageOf(body.message) ??
    messageOf(body.error_message) ??
    messageOf(body.detail) ??
    (typeof body.error === 'string' ? asText(body.error) : undefined) ??
    messageOf(body.errors);
  const result: { code?: string; message?: string } = {};
  if (code !== undefined) result.code = code.toUpperCase();
  if (message !== undefined) result.message = message;
  return result;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** The visible text of an HTML page, with its `<title>` first: "502 Bad Gateway nginx". */
export function htmlToText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '';
  const body = html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    });
  const text = `${title} ${body}`.replace(/\s+/g, ' ').trim();
  // A title usually repeats as the page's <h1>; say it once.
  const t = title.replace(/\s+/g, ' ').trim();
  return t !== '' && text.startsWith(`${t} ${t}`) ? text.slice(t.length + 1) : text;
}

function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /html/i.test(contentType)) return true;
  return /^\s*(<!doctype html|<html|<head|<body|<h1|<center)/i.test(text);
}

function excerptOf(text: string, secrets: readonly (string | undefined)[]): string | undefined {
  const collapsed = redactSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  if (collapsed === '') return undefined;
  return collapsed.length > BODY_EXCERPT_LENGTH ? `${collapsed.slice(0, BODY_EXCERPT_LENGTH)}…` : collapsed;
}

/**
 * Parse an error response body. Never throws: a body that is neither JSON nor HTML becomes an excerpt.
 * `secrets` are redacted from the message and the excerpt (a server may echo the key back).
 */
export function parseErrorBody(
  text: string,
  contentType: string | undefined,
  secrets: readonly (string | undefined)[],
): ParsedErrorBody {
  if (looksLikeHtml(text, contentType)) {
    const excerpt = excerptOf(htmlToText(text), secrets);
    return excerpt === undefined ? { html: true } : { html: true, excerpt };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const excerpt = excerptOf(text, secrets);
    return excerpt === undefined ? { html: false } : { html: false, excerpt };
  }
  const { code, message } = codeAndMessage(json);
  const parsed: ParsedErrorBody = { html: false };
  if (code !== undefined) parsed.code = redactSecrets(code, secrets);
  if (message !== undefined) parsed.message = redactSecrets(message, secrets);
  const excerpt = excerptOf(text, secrets);
  if (excerpt !== undefined) parsed.excerpt = excerpt;
  return parsed;
}
