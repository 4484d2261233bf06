import type { PrimitiveInput, SlotInput, TextureInput, UvSetInput, UvUse } from './crop-input.js';

/**
 * A set of images and UV sets that must share one layout: an image read through several UV sets
 * must hold what each of them reaches, and a UV set read by several images (base colour, normal,
 * occlusion-roughness-metallic, ...) can be remapped only once. The groups are the connected
 * components of the graph "slot S of a primitive reads image I through UV set U".
 */
export interface CropGroup {
  textures: TextureInput[];
  uvSets: Array<{ set: UvSetInput; uses: UvUse[] }>;
  slots: SlotInput[];
  /** Set when the group cannot be cropped whatever the layout (a missing UV set). */
  broken: string | null;
}

/** Splits the textured slots of a part's primitives into {@link CropGroup}s (union-find). */
export function groupSlots(primitives: readonly PrimitiveInput[]): CropGroup[] {
  const parent = new Map<object, object>();
  const find = (key: object): object => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let at = key; at !== root; ) {
      const next = parent.get(at)!;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  const add = (key: object) => {
    if (!parent.has(key)) parent.set(key, key);
  };
  const union = (a: object, b: object) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };

  const broken = new Map<object, string>();
  for (const primitive of primitives) {
    for (const slot of primitive.slots) {
      add(slot.texture.key);
      const set = primitive.uvSets.get(slot.texCoord);
      if (!set) {
        broken.set(
          slot.texture.key,
          `${slot.slot} reads TEXCOORD_${slot.texCoord}, which the primitive lacks`,
        );
        continue;
      }
      add(set.key);
      union(slot.texture.key, set.key);
    }
  }

  const groups = new Map<object, CropGroup>();
  const groupOf = (key: object): CropGroup => {
    const root = find(key);
    let group = groups.get(root);
    if (!group) {
      group = { textures: [], uvSets: [], slots: [], broken: null };
      groups.set(root, group);
    }
    return group;
  };
  const seenTextures = new Set<object>();
  const setEntries = new Map<object, { set: UvSetInput; uses: UvUse[] }>();
  for (const primitive of primitives) {
    // One use per (primitive, UV set), however many slots read the set.
    const used = new Set<UvSetInput>();
    for (const slot of primitive.slots) {
      const group = groupOf(slot.texture.key);
      group.slots.push(slot);
      if (!seenTextures.has(slot.texture.key)) {
        seenTextures.add(slot.texture.key);
        group.textures.push(slot.texture);
      }
      const reason = broken.get(slot.texture.key);
      if (reason && !group.broken) group.broken = reason;
      const set = primitive.uvSets.get(slot.texCoord);
      if (!set || used.has(set)) continue;
      used.add(set);
      let entry = setEntries.get(set.key);
      if (!entry) {
        entry = { set, uses: [] };
        setEntries.set(set.key, entry);
        group.uvSets.push(entry);
      }
      entry.uses.push({
        indices: primitive.indices,
        vertexCount: primitive.vertexCount,
        mode: primitive.mode,
      });
    }
  }
  return [...groups.values()];
}
