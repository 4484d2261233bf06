import type { SplitSettings } from '../pipeline/split-api.js';
import { type LimitFlags, limitsFrom } from './limit-options.js';
import { resolveSplitFlags, type SplitFlags as SplitOnlyFlags } from './split-options.js';

/** The split flags of `run`: those of `meshparts split`, limits included. */
export type SplitFlags = SplitOnlyFlags & LimitFlags;

/**
 * Turns the split flags of `run` into the pipeline's SplitSettings, through the same checks as
 * `meshparts split` (resolveSplitFlags: bad values and a bad --rename map are usage errors, exit 2).
 */
export async function splitSettingsFrom(flags: SplitFlags): Promise<SplitSettings> {
  const { parseRenameMap, nameParts } = await import('../pipeline/split-api.js');
  const resolved = await resolveSplitFlags(flags, { parseRenameMap, nameParts });
  const limits = limitsFrom(flags);
  return {
    strategy: resolved.strategy,
    ...(resolved.attribute !== undefined ? { attribute: resolved.attribute } : {}),
    pivot: resolved.pivot,
    instances: resolved.instances,
    ...(resolved.naming.template !== undefined ? { nameTemplate: resolved.naming.template } : {}),
    ...(resolved.naming.rename ? { rename: resolved.naming.rename } : {}),
    ...(resolved.naming.case ? { case: resolved.naming.case } : {}),
    ...(Object.keys(resolved.labels).length > 0 ? { labels: resolved.labels } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}
