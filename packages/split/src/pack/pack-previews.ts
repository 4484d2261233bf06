import type { Document } from '@gltf-transform/core';
import type { PartPlan } from '../detect/detect-parts.js';
import type { ImageCache } from '../images/index.js';
import type { PackPart } from '../parts/split-parts.js';
import { THUMBNAIL_FILE, thumbnailPathOf } from './manifest.js';
import type { PackFile, PackFilesContext } from './pack-files.js';

/** What a pack shows of itself besides its parts. */
export interface PackPreviewOptions {
  /** Thumbnail size in pixels, or null for none. */
  thumbnails: number | null;
  /** Write `index.html` and its `gallery/` folder. */
  gallery: boolean;
  /** The model's decoded images (shared with texture cropping: each image is decoded once). */
  images: ImageCache;
}

/**
 * The previews of one pack: a thumbnail per part (rendered from the source document as each part
 * passes on its way to the pack writer, so no part is held or read back), the whole model's
 * thumbnail, and the gallery page. Everything reaches the pack through writePack's `files`, so it is
 * listed in the manifest and is the pack's own.
 *
 * A part is drawn as its file shows it: the part's nodes where the source scene puts them, in world
 * space, which the part file keeps up to a translation (the camera frames the bounds, so the
 * translation does not change the picture). The thumbnail code is loaded only when thumbnails are
 * asked for.
 */
export class PackPreviews {
  readonly #document: Document;
  readonly #plan: PartPlan;
  readonly #options: PackPreviewOptions;
  /** Part thumbnails being compressed (on libuv's threads) while the next parts are drawn and written. */
  readonly #thumbnails: Array<Promise<PackFile>> = [];
  #renderer: Promise<typeof import('./thumbnails/index.js')> | undefined;
  #cache: import('./thumbnails/index.js').ThumbnailCache | undefined;

  constructor(document: Document, plan: PartPlan, options: PackPreviewOptions) {
    this.#document = document;
    this.#plan = plan;
    this.#options = options;
  }

  /** The parts as they come, with each part's thumbnail rendered on the way. */
  async *withThumbnails(parts: AsyncIterable<PackPart>): AsyncGenerator<PackPart, void, undefined> {
    let index = 0;
    for await (const part of parts) {
      const planned = this.#plan.parts[index++];
      const size = this.#options.thumbnails;
      if (size !== null && planned) {
        // Drawn before the part goes on (from the document as it is now), compressed in the
        // background while the next parts are written; a failure surfaces in `files`.
        const path = thumbnailPathOf(part.name);
        const { png } = await this.#draw(size, {
          nodes: [planned.nodes[0]!],
          ...(planned.primitive ? { primitives: [planned.primitive] } : {}),
        });
        const file = png.then((bytes) => ({ path, bytes }));
        file.catch(() => {});
        this.#thumbnails.push(file);
      }
      yield part;
    }
  }

  /** writePack's `files` callback: the thumbnails, the whole model's, and the gallery page. */
  readonly files = async ({ manifest, dir }: PackFilesContext): Promise<PackFile[]> => {
    const files = await Promise.all(this.#thumbnails);
    const size = this.#options.thumbnails;
    if (size !== null) files.push({ path: THUMBNAIL_FILE, bytes: await (await this.#draw(size, {})).png });
    if (this.#options.gallery) {
      const { galleryFiles } = await import('./gallery/index.js');
      files.push(...(await galleryFiles(dir, manifest)));
    }
    return files;
  };

  /**
   * Draws a thumbnail now and starts its compression: the PNG's promise comes back wrapped, so that
   * awaiting the drawing does not wait for the compression.
   */
  async #draw(
    size: number,
    what: Pick<import('./thumbnails/index.js').ThumbnailSceneOptions, 'nodes' | 'primitives'>,
  ): Promise<{ png: Promise<Uint8Array> }> {
    this.#renderer ??= import('./thumbnails/index.js');
    const { ThumbnailCache, renderThumbnailScenePng, thumbnailSceneOf } = await this.#renderer;
    this.#cache ??= new ThumbnailCache();
    const scene = await thumbnailSceneOf(this.#document, { images: this.#options.images, ...what });
    return { png: renderThumbnailScenePng(scene, { size, cache: this.#cache }) };
  }
}
