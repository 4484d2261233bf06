import type { Material, Texture, TextureInfo } from '@gltf-transform/core';
import type { PBRSpecularGlossiness } from '@gltf-transform/extensions';

/** Where a material's base colour comes from: its factor (linear RGBA) and its texture, if any. */
export interface BaseColor {
  factor: [number, number, number, number];
  texture: Texture | null;
  info: TextureInfo | null;
}

/**
 * A material's base colour, as a viewer shows it: the metallic-roughness base colour, or, for a
 * specular-glossiness material (KHR_materials_pbrSpecularGlossiness, older exporters), its diffuse
 * colour, which is what that extension draws (its base colour is the fallback for viewers without
 * it, often plain white). The one place the thumbnails and the `{color}` names read it from.
 */
export function baseColorOf(material: Material): BaseColor {
  const specGloss = material.getExtension<PBRSpecularGlossiness>('KHR_materials_pbrSpecularGlossiness');
  if (specGloss) {
    return {
      factor: [...specGloss.getDiffuseFactor()] as BaseColor['factor'],
      texture: specGloss.getDiffuseTexture(),
      info: specGloss.getDiffuseTextureInfo(),
    };
  }
  return {
    factor: [...material.getBaseColorFactor()] as BaseColor['factor'],
    texture: material.getBaseColorTexture(),
    info: material.getBaseColorTextureInfo(),
  };
}
