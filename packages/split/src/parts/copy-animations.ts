import type {
  Animation,
  AnimationChannel,
  AnimationSampler,
  Document,
  Node,
  Property,
} from '@gltf-transform/core';

/** Animation channels by target node, with their animation's index: built once per split. */
export type ChannelIndex = Map<Node, Array<{ animation: number; channel: AnimationChannel }>>;

export function indexChannels(source: Document): ChannelIndex {
  const channels: ChannelIndex = new Map();
  source
    .getRoot()
    .listAnimations()
    .forEach((animation, a) => {
      for (const channel of animation.listChannels()) {
        const target = channel.getTargetNode();
        if (!target || !channel.getSampler()) continue;
        const list = channels.get(target) ?? [];
        list.push({ animation: a, channel });
        channels.set(target, list);
      }
    });
  return channels;
}

/** Where a part's animation channels go. */
export interface AnimationTargets {
  /** Source node → the part's node whose translation/rotation/scale the channel drives. */
  transforms: ReadonlyMap<Node, Node>;
  /** Source node → the part's node whose morph weights the channel drives. */
  weights: ReadonlyMap<Node, Node>;
}

/**
 * Copies, retargeted, the animation channels that target a part's nodes, with the samplers they use
 * (keyframe accessors copied through `copy`, so channels that share a sampler share its copy). Other
 * channels of the same animation are left out: a part carries only its own motion.
 */
export function copyAnimations(
  target: Document,
  source: Document,
  channels: ChannelIndex,
  targets: AnimationTargets,
  copy: <T extends Property>(property: T) => T,
): void {
  const animations = source.getRoot().listAnimations();
  const made = new Map<number, Animation>();
  const samplers = new Map<AnimationSampler, AnimationSampler>();
  const sourceNodes = new Set([...targets.transforms.keys(), ...targets.weights.keys()]);
  for (const sourceNode of sourceNodes) {
    for (const { animation: a, channel } of channels.get(sourceNode) ?? []) {
      const path = channel.getTargetPath();
      const targetNode = path && (path === 'weights' ? targets.weights : targets.transforms).get(sourceNode);
      if (!path || !targetNode) continue;
      let animation = made.get(a);
      if (!animation) {
        const sourceAnimation = animations[a]!;
        animation = target
          .createAnimation(sourceAnimation.getName())
          .setExtras({ ...sourceAnimation.getExtras() });
        made.set(a, animation);
      }
      const sourceSampler = channel.getSampler()!;
      let sampler = samplers.get(sourceSampler);
      if (!sampler) {
        const input = sourceSampler.getInput();
        const output = sourceSampler.getOutput();
        sampler = target
          .createAnimationSampler(sourceSampler.getName())
          .setInterpolation(sourceSampler.getInterpolation())
          .setInput(input ? copy(input) : null)
          .setOutput(output ? copy(output) : null);
        samplers.set(sourceSampler, sampler);
        animation.addSampler(sampler);
      }
      animation.addChannel(
        target
          .createAnimationChannel(channel.getName())
          .setTargetNode(targetNode)
          .setTargetPath(path)
          .setSampler(sampler),
      );
    }
  }
}
