import type { Texture, WriterContext } from '@gltf-transform/core';
import { EXTTextureWebP } from '@gltf-transform/extensions';

/**
 * EXT_texture_webp with a fallback image: each WebP texture also names a PNG or JPEG copy as its core
 * `source`, so loaders without WebP still show it, and the extension is optional rather than
 * required. glTF-Transform's own EXTTextureWebP writes no fallback ("this tool does not support
 * writing assets that fall back"); this subclass adds it at write time.
 *
 * The fallback is a Texture of the document that no material uses (so glTF-Transform writes it as an
 * image, and nothing else); {@link setFallback} pairs it with its WebP texture.
 */
export class EXTTextureWebPWithFallback extends EXTTextureWebP {
  readonly #fallbacks = new Map<Texture, Texture>();

  /** Makes `fallback` (PNG or JPEG) the core source of the textures that use `webp`. */
  setFallback(webp: Texture, fallback: Texture): this {
    this.#fallbacks.set(webp, fallback);
    return this;
  }

  override write(context: WriterContext): this {
    super.write(context);
    const textureDefs = context.jsonDoc.json.textures ?? [];
    for (const [webp, fallback] of this.#fallbacks) {
      const webpIndex = context.imageIndexMap.get(webp);
      const fallbackIndex = context.imageIndexMap.get(fallback);
      if (webpIndex === undefined || fallbackIndex === undefined) continue;
      for (const textureDef of textureDefs) {
        const extension = textureDef.extensions?.[this.extensionName] as { source?: number } | undefined;
        if (extension?.source === webpIndex) textureDef.source = fallbackIndex;
      }
    }
    return this;
  }
}
