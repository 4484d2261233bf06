/** `meshparts emulate --rate-limit` and `--rate-limit-headers`: the emulator's rate-limit shapes from the command line. */
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, ensureBuilt, runCli, spawnCli } from './helpers/cli.js';

beforeAll(ensureBuilt, 180_000);

describe('meshparts emulate --rate-limit', () => {
  it('refuses a shape it cannot read, or an unknown header form, as bad usage (exit 2)', async () => {
    const shape = await runCli(['emulate', '--rate-limit', '5/5']);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/sliding:LIMIT\/SECONDS/);
    const headers = await runCli(['emulate', '--rate-limit-headers', 'github']);
    expect(headers.code).toBe(2);
    expect(headers.stderr).toMatch(/--rate-limit-headers must be one of none, x-ratelimit, ietf/);
  });

  it('serves the shape asked for, announcing it in the headers asked for', async () => {
    const child = spawnCli([
      'emulate',
      '--rate-limit',
      'bucket:2,0.1',
      '--rate-limit-headers',
      'x-ratelimit',
    ]);
    const done = collect(child, 60_000);
    let printed = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const match = /THREEDAISTUDIO_BASE_URL=(\S+)/.exec(printed);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`emulate exited early: ${printed}`)));
    });
    const wallet = async () => {
      const response = await fetch(`${url}/account/user/wallet/`, {
        headers: { authorization: 'Bearer emulator-key' },
      });
      await response.arrayBuffer();
      return { status: response.status, remaining: response.headers.get('x-ratelimit-remaining') };
    };
    // A bucket of 2 refilled every 10 s: two pass, the third is refused.
    expect(await wallet()).toEqual({ status: 200, remaining: '1' });
    expect(await wallet()).toEqual({ status: 200, remaining: '0' });
    expect(await wallet()).toEqual({ status: 429, remaining: '0' });
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });
});
