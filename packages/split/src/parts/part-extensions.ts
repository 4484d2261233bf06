import { type Document, type Extension, ExtensionProperty } from '@gltf-transform/core';

/** Texture image formats whose extension has no property to follow: keep them only when used. */
const TEXTURE_FORMAT_EXTENSIONS: Record<string, string> = {
  KHR_texture_basisu: 'image/ktx2',
  EXT_texture_webp: 'image/webp',
  EXT_texture_avif: 'image/avif',
};

/** Names of the extensions whose properties a document holds (one walk over its graph's edges). */
export function extensionPropertyNames(document: Document): Set<string> {
  const names = new Set<string>();
  for (const edge of document.getGraph().listEdges()) {
    const child = edge.getChild();
    if (child instanceof ExtensionProperty) names.add(child.extensionName);
  }
  return names;
}

/**
 * Registers every extension of `source` on `target` (required flags included) before properties are
 * copied, as copyToDocument requires; {@link dropUnusedExtensions} removes the unused ones afterwards.
 * Compression extensions come along, so a Draco or meshopt source gives compressed parts.
 */
export function registerSourceExtensions(target: Document, source: Document): void {
  for (const extension of source.getRoot().listExtensionsUsed()) {
    const ctor = extension.constructor as new (doc: Document) => Extension;
    target.createExtension(ctor).setRequired(extension.isRequired());
  }
}

/**
 * Removes the extensions a part does not use, so `extensionsUsed` lists only what is in its file.
 * `propertyExtensions`: the extensions whose properties the source holds (computed once per split).
 * Extensions without properties (quantization, compression) stay: they describe how data is encoded;
 * texture-format extensions stay only when a texture of that format is in the part.
 */
export function dropUnusedExtensions(target: Document, propertyExtensions: ReadonlySet<string>): void {
  const used = extensionPropertyNames(target);
  const mimeTypes = new Set(
    target
      .getRoot()
      .listTextures()
      .map((texture) => texture.getMimeType()),
  );
  for (const extension of target.getRoot().listExtensionsUsed()) {
    const name = extension.extensionName;
    const format = TEXTURE_FORMAT_EXTENSIONS[name];
    const unused = format ? !mimeTypes.has(format) : propertyExtensions.has(name) && !used.has(name);
    if (unused) extension.dispose();
  }
}
