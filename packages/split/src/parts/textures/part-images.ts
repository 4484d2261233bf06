import { type Document, ImageUtils, Material, type Texture } from '@gltf-transform/core';
import { listTextureSlots } from './texture-slots.js';

/** What the manifest records about one image a part file carries (`parts[].images`). */
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

/** The record of one image: its name, type, pixel size and bytes (and its file with `shared`). */
export function imageRecord(
  name: string,
  bytes: Uint8Array,
  mimeType: string,
  file?: string,
): PartImageRecord {
  const size = ImageUtils.getSize(bytes, mimeType);
  return {
    name,
    mimeType,
    width: size ? size[0] : null,
    height: size ? size[1] : null,
    byteLength: bytes.byteLength,
    ...(file ? { file } : {}),
  };
}

/**
 * What the manifest calls an image: the texture's name, else its URI, else the slot a material uses
 * it in (`baseColorTexture`), the same in the source and in a part's own Document.
 */
export function imageName(texture: Texture): string {
  const named = texture.getName() || texture.getURI();
  if (named) return named;
  for (const parent of texture.listParents()) {
    if (!(parent instanceof Material)) continue;
    const slot = listTextureSlots(parent).find((entry) => entry.texture === texture);
    if (slot) return slot.slot;
  }
  return 'image';
}

/** Records in a stable order (by name, then type and size), whichever encoder made them. */
export function sortImageRecords(records: PartImageRecord[]): PartImageRecord[] {
  return records.sort(
    (a, b) =>
      a.name.localeCompare(b.name) || a.mimeType.localeCompare(b.mimeType) || a.byteLength - b.byteLength,
  );
}

/**
 * The images a part Document carries, for the manifest: call it after the textures were cropped (or
 * on the part as written). With `shared`, the URIs SharedTextures set (they start with `../`) give
 * each image's file; pass the names taken before (`nameOf`), since those URIs replaced the model's.
 */
export function listPartImages(
  document: Document,
  nameOf: (texture: Texture) => string = imageName,
): PartImageRecord[] {
  const records = document
    .getRoot()
    .listTextures()
    .flatMap((texture) => {
      const bytes = texture.getImage();
      if (!bytes) return [];
      const uri = texture.getURI();
      const file = uri.startsWith('../') ? uri.slice(3) : undefined;
      return [imageRecord(nameOf(texture), bytes, texture.getMimeType(), file)];
    });
  return sortImageRecords(records);
}
