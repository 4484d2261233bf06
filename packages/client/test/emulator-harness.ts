/**
 * Per-file emulator bookkeeping for tests that talk to the emulator with raw undici requests: one
 * shared Agent for the file, and every emulator a test starts closed after that test.
 */
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../src/testing/index.js';

export interface EmulatorHarness {
  /** The file's undici Agent; made in `beforeAll`, closed in `afterAll`. */
  readonly agent: Agent;
  /** Starts an emulator with the file's defaults, `options` overriding; closed after the test. */
  start(options?: EmulatorOptions): Promise<Emulator>;
}

/** Registers the hooks in the calling test file; `defaults` are the file's emulator options. */
export function useEmulators(defaults: EmulatorOptions): EmulatorHarness {
  let agent: Agent | undefined;
  const running: Emulator[] = [];
  beforeAll(() => {
    agent = new Agent();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    await agent?.close();
  });
  return {
    get agent(): Agent {
      if (agent === undefined) throw new Error('the test agent is made in beforeAll');
      return agent;
    },
    async start(options: EmulatorOptions = {}): Promise<Emulator> {
      const emulator = await startEmulator({ ...defaults, ...options });
      running.push(emulator);
      return emulator;
    },
  };
}
