import type { Document } from '@gltf-transform/core';

/** What the manifest records about one image a part file carries (`parts[].images`, proposed). */
export interface PartImageRecord {
  /** The texture's name, or its URI, or `image <i>`. */
  name: string;
  mimeType: string;
  /** Pixel size from the image header; null when the header does not say (KTX2 without a reader). */
  width: number | null;
  height: number | null;
  /** Bytes of the encoded image, as carried (embedded or shared). */
  byteLength: number;
  /** `shared` mode: the pack-relative file (`textures/<file>`); absent when embedded. */
  file?: string;
}

/**
 * The images a part Document carries, for the manifest: call it after cropTextures (or on the part
 * as written). With `shared`, pass the URIs SharedTextures set (they start with `../`).
 */
export function listPartImages(document: Document): PartImageRecord[] {
  return document
    .getRoot()
    .listTextures()
    .filter((texture) => texture.getImage())
    .map((texture, i) => {
      const size = texture.getSize();
      const uri = texture.getURI();
      const record: PartImageRecord = {
        name: texture.getName() || uri || `image ${i}`,
        mimeType: texture.getMimeType(),
        width: size ? size[0] : null,
        height: size ? size[1] : null,
        byteLength: texture.getImage()!.byteLength,
      };
      if (uri.startsWith('../')) record.file = uri.slice(3);
      return record;
    });
}
