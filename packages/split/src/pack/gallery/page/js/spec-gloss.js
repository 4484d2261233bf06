import { Color, MeshPhysicalMaterial, SRGBColorSpace } from 'three';

const NAME = 'KHR_materials_pbrSpecularGlossiness';

/**
 * A GLTFLoader plugin for KHR_materials_pbrSpecularGlossiness, which three.js no longer reads
 * (removed in r147). Sketchfab still exports it, so without this, models such as the PartCrafter
 * sword would show untextured white in the preview. It is a preview approximation, the one
 * glTF-Transform's `metalRough()` makes: diffuse → base colour and map, specular → specular colour
 * (and map), glossiness → 1 − roughness, metalness 0. The part files themselves are not changed.
 */
export class SpecularGlossinessPlugin {
  constructor(parser) {
    this.parser = parser;
    this.name = NAME;
  }

  extensionOf(materialIndex) {
    const used = this.parser.json.extensionsUsed || [];
    if (!used.includes(NAME)) return null;
    return this.parser.json.materials?.[materialIndex]?.extensions?.[NAME] ?? null;
  }

  getMaterialType(materialIndex) {
    return this.extensionOf(materialIndex) ? MeshPhysicalMaterial : null;
  }

  extendMaterialParams(materialIndex, params) {
    const extension = this.extensionOf(materialIndex);
    if (!extension) return Promise.resolve();
    const pending = [];
    const diffuse = Array.isArray(extension.diffuseFactor) ? extension.diffuseFactor : [1, 1, 1, 1];
    params.color = new Color().setRGB(diffuse[0], diffuse[1], diffuse[2]);
    params.opacity = diffuse[3] ?? 1;
    if (extension.diffuseTexture !== undefined) {
      pending.push(this.parser.assignTexture(params, 'map', extension.diffuseTexture, SRGBColorSpace));
    }
    const specular = Array.isArray(extension.specularFactor) ? extension.specularFactor : [1, 1, 1];
    params.specularColor = new Color().setRGB(specular[0], specular[1], specular[2]);
    params.specularIntensity = 1;
    params.metalness = 0;
    params.roughness = 1 - (typeof extension.glossinessFactor === 'number' ? extension.glossinessFactor : 1);
    if (extension.specularGlossinessTexture !== undefined) {
      pending.push(
        this.parser.assignTexture(
          params,
          'specularColorMap',
          extension.specularGlossinessTexture,
          SRGBColorSpace,
        ),
      );
    }
    return Promise.all(pending);
  }
}
