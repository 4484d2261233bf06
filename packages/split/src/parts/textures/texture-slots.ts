import { ExtensionProperty, type Material, type Property, Texture, TextureInfo } from '@gltf-transform/core';

/** One texture slot of a material: core (`baseColorTexture`) or an extension's (`clearcoatTexture`). */
export interface TextureSlot {
  /** The slot's name, prefixed by its extension: `normalTexture`, `KHR_materials_clearcoat.clearcoatTexture`. */
  slot: string;
  texture: Texture;
  /** Sampler, texCoord and KHR_texture_transform of the slot. */
  info: TextureInfo;
}

/**
 * Every texture slot of a material, with the TextureInfo that says which UV set (texCoord) it reads:
 * the core slots and those of every material extension (clearcoat, sheen, specular, transmission,
 * volume, iridescence, anisotropy, diffuse transmission, pbrSpecularGlossiness, ...).
 *
 * Walked generically over the property graph, as glTF-Transform's `listTextureInfoByMaterial` does:
 * a material or extension property holds each texture on an edge `<slot>` and its TextureInfo on an
 * edge `<slot>Info`. Listing the extensions by hand would miss the next one glTF-Transform adds.
 */
export function listTextureSlots(material: Material): TextureSlot[] {
  const graph = material.getGraph();
  const slots: TextureSlot[] = [];
  const visited = new Set<Property>();
  const walk = (owner: Material | ExtensionProperty, prefix: string): void => {
    const edges = graph.listChildEdges(owner);
    for (const edge of edges) {
      const child = edge.getChild();
      if (child instanceof Texture) {
        const infoName = `${edge.getName()}Info`;
        const info = edges.find((other) => other.getName() === infoName)?.getChild();
        if (info instanceof TextureInfo) slots.push({ slot: prefix + edge.getName(), texture: child, info });
      } else if (child instanceof ExtensionProperty && !visited.has(child)) {
        visited.add(child);
        walk(child, `${child.extensionName}.`);
      }
    }
  };
  walk(material, '');
  return slots;
}

/** Whether a texture slot has a KHR_texture_transform (which moves its UVs, so no crop may change them). */
export function hasTextureTransform(info: TextureInfo): boolean {
  return info.getExtension('KHR_texture_transform') !== null;
}
