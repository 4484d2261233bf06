import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { VERSION } from '../src/version.js';

describe('meshparts command', () => {
  it('exits 0 on --help and --version', async () => {
    expect(await main(['--version'])).toBe(0);
    expect(await main(['--help'])).toBe(0);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown command', async () => {
    expect(await main(['no-such-command'])).toBe(2);
  });
});
