import { PART_STRATEGIES, type SourceSegmentation } from '@meshparts/split/options';

/**
 * A segmentation as the journal recorded it, checked (the journal is a file: a hand edit or a line of
 * a later meshparts may hold a strategy this one does not know), or undefined: the pack then records
 * the split's own plan, as before segmentations were journaled.
 */
export function recordedSegmentation(
  recorded: { strategy: string; reason: string } | undefined,
): SourceSegmentation | undefined {
  if (!recorded || recorded.reason === '') return undefined;
  const strategy = PART_STRATEGIES.find((known) => known === recorded.strategy);
  return strategy ? { strategy, reason: recorded.reason } : undefined;
}
