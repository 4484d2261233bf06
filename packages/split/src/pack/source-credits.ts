import type { Document } from '@gltf-transform/core';

/** What a pack says about its source's licence and authorship (manifest `source.license`, `attribution`). */
export interface SourceCredits {
  license?: string;
  attribution?: string;
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
export function sourceCredits(document: Document): SourceCredits {
  const root = document.getRoot();
  const asset = root.getAsset();
  const assetExtras = (asset.extras ?? {}) as Record<string, unknown>;
  const rootExtras = root.getExtras() as Record<string, unknown>;
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
export function partCopyright(document: Document): string | undefined {
  const own = text(document.getRoot().getAsset().copyright);
  if (own) return own;
  const { license, attribution } = sourceCredits(document);
  return [attribution, license].filter(Boolean).join(', ') || undefined;
}
