import { readFile } from 'node:fs/promises';
import { type CaseStyle, parseRenameMap, type SplitSettings } from '../pipeline/split-api.js';
import { UsageError } from '../usage-error.js';

/** The split flags as commander parses them (see addSplitOptions). */
export interface SplitFlags {
  strategy?: string;
  attribute?: string;
  pivot?: string;
  instances?: string;
  nameTemplate?: string;
  rename?: string;
  case?: string;
}

/** Turns split flags into SplitSettings, reading and checking the --rename map (exit 2 when bad). */
export async function splitSettingsFrom(flags: SplitFlags): Promise<SplitSettings> {
  const settings: SplitSettings = {};
  if (flags.strategy) settings.strategy = flags.strategy as NonNullable<SplitSettings['strategy']>;
  if (flags.attribute) settings.attribute = flags.attribute;
  if (flags.pivot) settings.pivot = flags.pivot as NonNullable<SplitSettings['pivot']>;
  if (flags.instances) settings.instances = flags.instances as NonNullable<SplitSettings['instances']>;
  if (flags.nameTemplate !== undefined) settings.nameTemplate = flags.nameTemplate;
  if (flags.case) settings.case = flags.case as CaseStyle;
  if (flags.rename) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(flags.rename, 'utf8'));
    } catch (error) {
      throw new UsageError(`--rename ${flags.rename}: ${(error as Error).message}`);
    }
    try {
      settings.rename = parseRenameMap(json);
    } catch (error) {
      throw new UsageError(`--rename ${flags.rename}: ${(error as Error).message}`);
    }
  }
  return settings;
}
