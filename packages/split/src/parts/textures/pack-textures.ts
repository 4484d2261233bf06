import type { Accessor, Document, Primitive, Texture } from '@gltf-transform/core';
import type { ImageCache } from '../../images/index.js';
import type { TextureFormat, TextureMode } from '../../options.js';
import { cropPartTextures, type PartTextures, type TextureDecision } from './part-textures.js';
import { SharedTextures } from './shared-textures.js';
import { TextureConversions } from './texture-conversions.js';

/** How the parts of one pack carry their images. */
export interface PackTexturesOptions {
  mode: TextureMode;
  format: TextureFormat;
  webpFallback: boolean;
  /** The model's decoded images (shared with the thumbnails: each image is decoded once). */
  images: ImageCache;
}

/**
 * The texture work of one pack, shared by its parts (parts/textures/README.md): crops and format
 * conversions through one decode per image, and with `shared` the pack's `textures/` folder. Used by
 * both part encoders: the direct encoder asks {@link forPrimitives} for the images and UVs to write
 * instead of the source's; the general path applies {@link applyTo} to the part's own Document.
 */
export class PackTextures {
  readonly #options: PackTexturesOptions;
  readonly #conversions: TextureConversions;
  /** The pack's `textures/` folder, with `--textures shared`. */
  readonly shared: SharedTextures | undefined;
  /** What happened to each group of images, part after part (debug logs). */
  readonly decisions: TextureDecision[] = [];

  constructor(options: PackTexturesOptions) {
    this.#options = options;
    this.#conversions = new TextureConversions(options.images);
    this.shared = options.mode === 'shared' ? new SharedTextures() : undefined;
  }

  /** Whether any image changes at all (`embed` and `shared` with `keep` write the source's bytes). */
  get changesImages(): boolean {
    return this.#options.mode === 'crop' || this.#options.format !== 'keep';
  }

  /**
   * Whether the direct encoder can write these images: it writes core images (PNG, JPEG) only, so a
   * WebP output goes through glTF-Transform's writer and EXT_texture_webp.
   */
  get directAllowed(): boolean {
    return this.#options.format !== 'webp';
  }

  #cropOptions() {
    const { mode, format, webpFallback, images } = this.#options;
    return {
      images,
      format,
      webpFallback,
      conversions: this.#conversions,
      mode: mode === 'crop' ? 'crop' : 'embed',
    } as const;
  }

  /**
   * New images and UVs for the source primitives of one part (the direct encoder): nothing is
   * modified; undefined when the images stay as they are.
   */
  async forPrimitives(
    primitives: readonly Primitive[],
  ): Promise<PartTextures<Texture, Accessor> | undefined> {
    if (!this.changesImages) return undefined;
    const result = await cropPartTextures(primitives, this.#cropOptions());
    this.decisions.push(...result.decisions);
    return result;
  }

  /** Crops and converts the images of a part's own Document (the general path), in place. */
  async applyTo(document: Document): Promise<void> {
    if (!this.changesImages) return;
    const primitives = document
      .getRoot()
      .listMeshes()
      .flatMap((mesh) => mesh.listPrimitives());
    const result = await cropPartTextures(primitives, this.#cropOptions());
    this.decisions.push(...result.decisions);
    // Loaded here, for a part Document only: it brings glTF-Transform's extensions (EXT_texture_webp).
    const { applyPartTextures } = await import('./crop-textures.js');
    applyPartTextures(document, primitives, result, this.#options.webpFallback);
  }
}
