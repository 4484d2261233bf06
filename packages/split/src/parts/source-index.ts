import type { Document, mat4, Node } from '@gltf-transform/core';
import { listAnimatedNodes } from '../detect/detect-parts.js';
import { createWorldMatrices } from '../geometry.js';
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
  /** Nodes whose transform an animation drives. */
  animated: Set<Node>;
  /** Animation channels by target node (transforms and morph weights). */
  channels: ChannelIndex;
  /** Extensions whose properties the source holds. */
  extensionProperties: Set<string>;
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
  };
}
