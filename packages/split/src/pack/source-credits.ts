import type { Document } from '@gltf-transform/core';

/** What a pack says about its source's licence and authorship (manifest `source.license`, `attribution`). */
export interface SourceCredits {
  license?: string;
  attribution?: string;
}

/**
 * What credits are read from: the source's `asset` object and its root extras, as glTF-Transform
 * reads them (`asset.copyright` and `asset.extras` kept when truthy, root extras an object), from a
 * Document or from the JSON (the byte-level split, fast/).
 */
export interface SourceInfo {
  asset: { copyright?: unknown; extras?: unknown };
  extras: Record<string, unknown>;
}

/** The {@link SourceInfo} of a Document. */
export function sourceInfoOf(document: Document): SourceInfo {
  const root = document.getRoot();
  return { asset: root.getAsset(), extras: root.getExtras() as Record<string, unknown> };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The licence and the credit a model states: from `asset.extras` (where Sketchfab and other exporters
 * write `license`, `author` and `source`), else the root `extras`; the credit falls back to
 * `asset.copyright` (a copyright notice names whom to credit). Untrusted text: whoever shows it must
 * show it as text.
 */
export function sourceCredits(source: Document | SourceInfo): SourceCredits {
  const { asset, extras } = 'getRoot' in source ? sourceInfoOf(source) : source;
  const assetExtras = (asset.extras ?? {}) as Record<string, unknown>;
  const rootExtras = extras;
  const field = (name: string) => text(assetExtras[name]) ?? text(rootExtras[name]);
  const license = field('license');
  const author = field('author');
  const attribution = author ? [author, field('source')].filter(Boolean).join(' ') : text(asset.copyright);
  return { ...(license ? { license } : {}), ...(attribution ? { attribution } : {}) };
}

/**
 * The `asset.copyright` a part file carries: the source's own, else one made of the credit and the
 * licence, so that a part shared alone still says whom to credit and under which terms.
 */
export function partCopyright(source: SourceInfo): string | undefined {
  const own = text(source.asset.copyright);
  if (own) return own;
  const { license, attribution } = sourceCredits(source);
  return [attribution, license].filter(Boolean).join(', ') || undefined;
}
