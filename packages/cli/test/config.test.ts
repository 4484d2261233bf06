import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactSecrets } from '@meshparts/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFilePath, resolveConfig } from '../src/config.js';
import { UsageError } from '../src/usage-error.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'meshparts-home-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function writeConfig(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
}

describe('resolveConfig', () => {
  it('warns when the config file holding the key can be read by other users, never naming the key', async () => {
    const file = join(home, '.config', 'meshparts', 'config.json');
    await writeConfig(file, { apiKey: 'sk-config-secret-123' });
    await chmod(file, 0o644);
    const open = await resolveConfig({ flags: {}, env: {}, home });
    expect(open.warnings).toEqual([
      `the config file ${file} holds an API key and other users can read it (mode 0644): chmod 600 ${file}`,
    ]);
    await chmod(file, 0o600);
    expect((await resolveConfig({ flags: {}, env: {}, home })).warnings).toEqual([]);
    // A key from elsewhere: the file's mode is not the user's problem then.
    await chmod(file, 0o644);
    expect(
      (await resolveConfig({ flags: {}, env: { THREEDAISTUDIO_API_KEY: 'x-123456' }, home })).warnings,
    ).toEqual([]);
  });

  it('prefers the flag, then the environment, then the config file', async () => {
    const file = join(home, '.config', 'meshparts', 'config.json');
    await writeConfig(file, { apiKey: 'from-file', baseUrl: 'http://127.0.0.1:1/' });
    const env = { THREEDAISTUDIO_API_KEY: 'from-env' };
    expect(await resolveConfig({ flags: { apiKey: 'from-flag' }, env, home })).toMatchObject({
      apiKey: 'from-flag',
      keySource: 'flag',
      baseUrl: 'http://127.0.0.1:1/',
    });
    expect(await resolveConfig({ flags: {}, env, home })).toMatchObject({
      apiKey: 'from-env',
      keySource: 'env',
    });
    expect(await resolveConfig({ flags: {}, env: {}, home })).toMatchObject({
      apiKey: 'from-file',
      keySource: 'config',
      configFile: file,
    });
  });

  it('finds the file through MESHPARTS_CONFIG and XDG_CONFIG_HOME', async () => {
    expect(configFilePath({ MESHPARTS_CONFIG: '/x/y.json' }, home)).toBe('/x/y.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/xdg' }, home)).toBe(join('/xdg', 'meshparts', 'config.json'));
    const xdg = join(home, 'xdg');
    await writeConfig(join(xdg, 'meshparts', 'config.json'), { apiKey: 'xdg-key' });
    expect((await resolveConfig({ flags: {}, env: { XDG_CONFIG_HOME: xdg }, home })).apiKey).toBe('xdg-key');
  });

  it('has no key when nothing is configured, and ignores blank values', async () => {
    const config = await resolveConfig({
      flags: { apiKey: '  ' },
      env: { THREEDAISTUDIO_API_KEY: '' },
      home,
    });
    expect(config.apiKey).toBeUndefined();
    expect(config.keySource).toBeUndefined();
  });

  it('rejects an invalid config file, and a missing one named explicitly, as usage errors', async () => {
    const bad = join(home, 'bad.json');
    await writeConfig(bad, '{ not json');
    await expect(resolveConfig({ flags: {}, env: { MESHPARTS_CONFIG: bad }, home })).rejects.toBeInstanceOf(
      UsageError,
    );
    await writeConfig(bad, { apiKey: 42 });
    await expect(resolveConfig({ flags: {}, env: { MESHPARTS_CONFIG: bad }, home })).rejects.toThrow(
      /"apiKey" must be a string/,
    );
    await expect(
      resolveConfig({ flags: {}, env: { MESHPARTS_CONFIG: join(home, 'missing.json') }, home }),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('redaction (redactSecrets of the client, which the CLI logger uses)', () => {
  it('removes every occurrence of the key', () => {
    expect(redactSecrets('Bearer sk-secret-123 and sk-secret-123', ['sk-secret-123'])).toBe(
      'Bearer [REDACTED] and [REDACTED]',
    );
    expect(redactSecrets('nothing', [undefined])).toBe('nothing');
  });
});
