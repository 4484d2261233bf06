import { startEmulator } from '@meshparts/client/testing';
import { segmentBytesLocally } from './split-api.js';

/**
 * The one place that knows the emulator's API (`@meshparts/client/testing`): `meshparts emulate` and
 * the end-to-end tests start it with the local segmenter plugged into its `segment` hook, so the whole
 * Tripo path (upload, credits, polling, download from a second origin) runs offline.
 */

export interface LocalEmulatorOptions {
  apiKey: string;
  port?: number;
  balance?: number;
  durationMs?: number;
  requestsPerMinute?: number;
}

export interface LocalEmulator {
  url: string;
  storageUrl: string;
  close(): Promise<void>;
}

export async function startLocalEmulator(options: LocalEmulatorOptions): Promise<LocalEmulator> {
  const emulator = await startEmulator({
    apiKey: options.apiKey,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.balance !== undefined ? { balance: options.balance } : {}),
    ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
    ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
    segment: (input: Uint8Array) => segmentBytesLocally(input),
  });
  return { url: emulator.url, storageUrl: emulator.storageUrl, close: () => emulator.close() };
}
