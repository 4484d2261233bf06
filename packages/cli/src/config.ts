import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './usage-error.js';

/**
 * Where the API key and base URL come from, first match wins:
 * 1. `--api-key` / `--base-url` flags (note: a flag is visible to other users in `ps`; prefer 2 or 3),
 * 2. `THREEDAISTUDIO_API_KEY` / `THREEDAISTUDIO_BASE_URL`,
 * 3. a JSON config file `{ "apiKey": "...", "baseUrl": "..." }` at `$MESHPARTS_CONFIG`, else
 *    `$XDG_CONFIG_HOME/meshparts/config.json`, else `~/.config/meshparts/config.json`.
 * A missing config file is fine; an unreadable or invalid one is a usage error (it was meant to be used).
 * The key itself is never printed: `keySource` says where it came from instead.
 */

export interface ApiConfig {
  apiKey?: string;
  baseUrl?: string;
  /** Where the key came from, for the one line that says which segmenter runs. */
  keySource?: 'flag' | 'env' | 'config';
  /** The config file that was read, if any. */
  configFile?: string;
  /** Things to tell the user (one line each), e.g. a key in a file other users can read. */
  warnings: string[];
}

export interface ConfigSources {
  flags: { apiKey?: string; baseUrl?: string };
  env: Readonly<Record<string, string | undefined>>;
  home?: string;
}

export function configFilePath(env: ConfigSources['env'], home: string = homedir()): string {
  if (env.MESHPARTS_CONFIG) return env.MESHPARTS_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(home, '.config');
  return join(base, 'meshparts', 'config.json');
}

export async function resolveConfig(sources: ConfigSources): Promise<ApiConfig> {
  const { flags, env } = sources;
  const file = await readConfigFile(configFilePath(env, sources.home), Boolean(env.MESHPARTS_CONFIG));
  const config: ApiConfig = { warnings: [] };
  if (file) config.configFile = file.path;
  const flagKey = nonEmpty(flags.apiKey);
  const envKey = nonEmpty(env.THREEDAISTUDIO_API_KEY);
  if (flagKey) Object.assign(config, { apiKey: flagKey, keySource: 'flag' });
  else if (envKey) Object.assign(config, { apiKey: envKey, keySource: 'env' });
  else if (file?.apiKey) Object.assign(config, { apiKey: file.apiKey, keySource: 'config' });
  const baseUrl = nonEmpty(flags.baseUrl) ?? nonEmpty(env.THREEDAISTUDIO_BASE_URL) ?? file?.baseUrl;
  if (baseUrl) config.baseUrl = baseUrl;
  if (config.keySource === 'config' && file?.mode !== undefined && (file.mode & 0o077) !== 0) {
    // Decided (SECURITY.md): a warning, not a refusal, as for a key in a shell profile; ssh's refusal
    // would break setups where a shared group file is intended.
    config.warnings.push(
      `the config file ${file.path} holds an API key and other users can read it (mode ${(file.mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 ${file.path}`,
    );
  }
  return config;
}

interface ConfigFile {
  path: string;
  apiKey?: string;
  baseUrl?: string;
  /** Permission bits of the file (what it was opened through: a symlink's target). */
  mode?: number;
}

async function readConfigFile(path: string, explicit: boolean): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return undefined;
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(
      `the config file ${path} is not valid JSON (expected { "apiKey": "...", "baseUrl": "..." })`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `the config file ${path} must hold a JSON object { "apiKey": "...", "baseUrl": "..." }`,
    );
  }
  const { apiKey, baseUrl } = value as Record<string, unknown>;
  for (const [name, field] of [
    ['apiKey', apiKey],
    ['baseUrl', baseUrl],
  ] as const) {
    if (field !== undefined && typeof field !== 'string') {
      throw new UsageError(`the config file ${path}: "${name}" must be a string`);
    }
  }
  const mode = await stat(path).then(
    (info) => info.mode,
    () => undefined,
  );
  return {
    path,
    ...(mode !== undefined ? { mode } : {}),
    ...(nonEmpty(apiKey as string | undefined) ? { apiKey: apiKey as string } : {}),
    ...(nonEmpty(baseUrl as string | undefined) ? { baseUrl: baseUrl as string } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
