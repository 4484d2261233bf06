import type { SplitSettings } from '../pipeline/split-api.js';
import { resolveSplitFlags, type SplitFlags } from './split-options.js';

export type { SplitFlags };

/**
 * Turns the split flags of `run` into the pipeline's SplitSettings, through the same checks as
 * `meshparts split` (resolveSplitFlags: bad values and a bad --rename map are usage errors, exit 2).
 */
export async function splitSettingsFrom(flags: SplitFlags): Promise<SplitSettings> {
  const { parseRenameMap, nameParts } = await import('../pipeline/split-api.js');
  const resolved = await resolveSplitFlags(flags, { parseRenameMap, nameParts });
  return {
    strategy: resolved.strategy,
    ...(resolved.attribute !== undefined ? { attribute: resolved.attribute } : {}),
    pivot: resolved.pivot,
    instances: resolved.instances,
    ...(resolved.naming.template !== undefined ? { nameTemplate: resolved.naming.template } : {}),
    ...(resolved.naming.rename ? { rename: resolved.naming.rename } : {}),
    ...(resolved.naming.case ? { case: resolved.naming.case } : {}),
    ...(Object.keys(resolved.labels).length > 0 ? { labels: resolved.labels } : {}),
  };
}
