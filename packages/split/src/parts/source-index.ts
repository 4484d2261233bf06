import type { Accessor, Document, mat4, Node } from '@gltf-transform/core';
import { listAnimatedNodes } from '../detect/detect-parts.js';
import { type Bounds, createWorldMatrices, emptyBounds, expandBounds, positionArray } from '../geometry.js';
import { type ChannelIndex, indexChannels } from './copy-animations.js';
import { extensionPropertyNames } from './part-extensions.js';

/**
 * Per-split context built once (O(source)): lookups every part needs, so that splitting N parts costs
 * O(total size), never N whole-document walks. Shared by both part encoders (split-parts.ts and
 * direct-part.ts).
 */
export interface SourceIndex {
  source: Document;
  nodeIndex: Map<Node, number>;
  worldOf: (node: Node) => mat4;
  /** Nodes whose world transform an animation drives: channel targets and the nodes under them. */
  animated: Set<Node>;
  /** Animation channels by target node (transforms and morph weights). */
  channels: ChannelIndex;
  /** Extensions whose properties the source holds. */
  extensionProperties: Set<string>;
  /**
   * The range of a POSITION accessor in its own space, computed once per accessor: the accessor's
   * min/max in a part file, and the bounds of a part whose frame only translates it.
   */
  positionRange: (position: Accessor) => Bounds;
}

export function indexSource(source: Document): SourceIndex {
  return {
    source,
    nodeIndex: new Map(
      source
        .getRoot()
        .listNodes()
        .map((node, i) => [node, i]),
    ),
    worldOf: createWorldMatrices(),
    animated: listAnimatedNodes(source),
    channels: indexChannels(source),
    extensionProperties: extensionPropertyNames(source),
    positionRange: memoize((position: Accessor) => {
      const range = emptyBounds();
      expandBounds(range, positionArray(position));
      return range;
    }),
  };
}

function memoize<K, V>(compute: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = compute(key);
      known.set(key, value);
    }
    return value;
  };
}
