import type { Primitive } from '@gltf-transform/core';
import type { ResolvedGranularity } from '../../options.js';
import type { TriangleSlots } from '../labels/label-slots.js';
import type { MeshLabelling } from '../labels/mesh-labels.js';
import { slotAreas, slotBoundaries, slotSamples } from './label-geometry.js';
import { type MergeReason, mergeGroups } from './merge-groups.js';

/** One merge of labels, for `inspect` and the manifest. */
export interface LabelMerge {
  /** The label name the part keeps (its largest constituent's). */
  into: string;
  /** Every constituent's label name, the kept one first, then by decreasing area. */
  sourceNames: string[];
  reason: MergeReason;
}

/** Where a mesh stands in the model, to turn shares of the model into areas of this mesh. */
export interface LabelMergeContext {
  /** The mesh's share of the model's surface area (1 for a model of one mesh). */
  meshShare: number;
  weldTolerance: number;
}

/**
 * Applies granularity to one mesh's labels, whatever strategy made them: labels whose area is under
 * `minPartArea` of the model merge into the label they share the longest boundary with (welded), or
 * the one with the nearest surface when they touch none; then the smallest merge until
 * `targetParts` remain. Labels are merged, never split: a label of many shells stays one part.
 * Returns the labelling unchanged when nothing is to merge (the common case costs one pass over the
 * triangles, for the areas).
 */
export function mergeLabelling(
  labelling: MeshLabelling,
  granularity: ResolvedGranularity,
  context: LabelMergeContext,
): { labelling: MeshLabelling; merges: LabelMerge[] } {
  const { slotCount } = labelling;
  const unchanged = { labelling, merges: [] };
  if (slotCount < 2 || (granularity.minPartArea === 0 && granularity.targetParts === null)) return unchanged;
  const areas = slotAreas(labelling.slots, slotCount);
  const total = areas.reduce((sum, area) => sum + area, 0);
  if (!(total > 0)) return unchanged;
  const minArea = (granularity.minPartArea * total) / Math.max(context.meshShare, 1e-12);
  const needed =
    areas.some((area) => area < minArea) ||
    (granularity.targetParts !== null && slotCount > granularity.targetParts);
  if (!needed) return unchanged;
  const boundaries = slotBoundaries(labelling.slots, slotCount, context.weldTolerance);
  let samples: ReturnType<typeof slotSamples> | null = null;
  const plan = mergeGroups(
    areas,
    areas.map(() => false),
    {
      boundaries,
      nearest: (members, allowed) => {
        samples ??= slotSamples(labelling.slots, slotCount);
        return samples.nearest(members, allowed);
      },
    },
    { minArea, targetParts: granularity.targetParts },
  );
  if (plan.merged.length === 0) return unchanged;
  // Kept slots stay in their order; every slot goes to its host's new slot.
  const newSlot = new Int32Array(slotCount).fill(-1);
  const kept: number[] = [];
  for (let s = 0; s < slotCount; s++) {
    if (plan.hostOf[s] === s) {
      newSlot[s] = kept.length;
      kept.push(s);
    }
  }
  const remap = Uint32Array.from({ length: slotCount }, (_, s) => newSlot[plan.hostOf[s]!]!);
  const slots = new Map<Primitive, TriangleSlots>();
  for (const [primitive, labels] of labelling.slots) {
    const out = new Uint32Array(labels.length);
    for (let t = 0; t < labels.length; t++) out[t] = remap[labels[t]!]!;
    slots.set(primitive, out);
  }
  const constituents = new Map(plan.merged.map((group) => [group.host, group]));
  const previous = labelling.sourceNames;
  const namesOf = (slot: number): string[] => previous?.[slot] ?? [labelling.names[slot]!];
  return {
    labelling: {
      ...labelling,
      slots,
      slotCount: kept.length,
      names: kept.map((s) => labelling.names[s]!),
      values: kept.map((s) => labelling.values[s]!),
      sourceNames: kept.map((s) => constituents.get(s)?.members.flatMap(namesOf) ?? namesOf(s)),
    },
    merges: plan.merged.map((group) => ({
      into: labelling.names[group.host]!,
      sourceNames: group.members.flatMap(namesOf),
      reason: group.reason,
    })),
  };
}
