import type { ILogger, Mesh, Primitive } from '@gltf-transform/core';
import type { LabelStrategy, ResolvedLabelOptions } from '../../options.js';
import { attributeLabelsOf } from './attribute-labels.js';
import { attributeSlots } from './attribute-slots.js';
import { colorTriangleLabels, createColorPalette } from './color-labels.js';
import { componentTriangleLabels } from './component-labels.js';
import { assignSlots, distinctLabels } from './label-slots.js';
import { isTriangleList } from './triangles.js';

/** How one mesh's triangles are labelled, ready for {@link splitPrimitiveByLabels}. */
export interface MeshLabelling {
  /** Per labelled primitive, the slot of each of its triangles. */
  slots: Map<Primitive, Uint32Array>;
  /** Number of slots (distinct labels) over the mesh. */
  slotCount: number;
  /** Per slot, the label's name (`part_3`, `color_ff0000`). */
  names: string[];
  /** Per slot, the label value (attribute value, colour key, or component rank). */
  values: number[];
  /** Vertex attributes to leave out of the split primitives (the label attribute itself). */
  dropSemantics: string[];
}

interface RawLabels {
  labels: Map<Primitive, Float64Array>;
  name: (value: number) => string;
  dropSemantics: string[];
  /** More distinct labels than this means the data is not a segmentation (colours only). */
  maxLabels?: number;
}

/**
 * Per-triangle labels of a mesh's triangle-list primitives under a strategy; `null` when the
 * mesh carries no such labels. Labels are consistent across the mesh's primitives (one value
 * means one part, whichever material), so one label becomes one part with one primitive per
 * source primitive. Slots are ordered by label value (component labels are ranked by size).
 *
 * With `colors`, a mesh with more than `maxColors` face colours is painted or baked, not
 * colour-coded: it is not labelled (a warning goes to `logger`) rather than shattered into
 * hundreds of parts.
 */
export function meshLabels(
  mesh: Mesh,
  strategy: LabelStrategy,
  options: ResolvedLabelOptions,
  logger?: ILogger,
): MeshLabelling | null {
  if (strategy === 'attribute') {
    const fast = attributeSlots(mesh.listPrimitives().filter(isTriangleList), options.attribute);
    if (fast) {
      if (fast.slots.size === 0) return null;
      return {
        slots: fast.slots,
        slotCount: fast.values.length,
        names: fast.values.map(partName),
        values: fast.values,
        dropSemantics: [...fast.semantics],
      };
    }
  }
  const raw = rawMeshLabels(mesh, strategy, options);
  if (!raw || raw.labels.size === 0) return null;
  const values = distinctLabels(raw.labels.values());
  if (raw.maxLabels !== undefined && values.length > raw.maxLabels) {
    logger?.warn(
      `${strategy}: mesh "${mesh.getName()}" has ${values.length} face colours, more than maxColors ` +
        `(${raw.maxLabels}): not a colour-coded segmentation, left whole.`,
    );
    return null;
  }
  const slots = new Map<Primitive, Uint32Array>();
  for (const [primitive, labels] of raw.labels) slots.set(primitive, assignSlots(labels, values));
  return {
    slots,
    slotCount: values.length,
    names: values.map(raw.name),
    values,
    dropSemantics: raw.dropSemantics,
  };
}

/** Name of an attribute label or a component rank. */
function partName(value: number): string {
  return `part_${value}`;
}

function rawMeshLabels(mesh: Mesh, strategy: LabelStrategy, options: ResolvedLabelOptions): RawLabels | null {
  const primitives = mesh.listPrimitives().filter(isTriangleList);
  const labels = new Map<Primitive, Float64Array>();
  switch (strategy) {
    case 'attribute': {
      const found = attributeLabelsOf(primitives, options.attribute);
      return { labels: found.labels, name: partName, dropSemantics: [...found.semantics] };
    }
    case 'colors': {
      const palette = createColorPalette(options.colorTolerance);
      for (const primitive of primitives) {
        const colors = colorTriangleLabels(primitive, palette);
        if (colors) labels.set(primitive, colors.labels);
      }
      return {
        labels,
        name: (value) => palette.nameOf(value),
        dropSemantics: [],
        maxLabels: options.maxColors,
      };
    }
    case 'components': {
      if (primitives.length === 0) return null;
      const components = componentTriangleLabels(primitives, options);
      primitives.forEach((primitive, p) => {
        labels.set(primitive, components.labels[p]!);
      });
      return { labels, name: partName, dropSemantics: [] };
    }
  }
}
