/** Guards for reading untrusted JSON: every API answer is parsed defensively. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
