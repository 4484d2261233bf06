import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`; .ci/run installs it), or $CHROMIUM_PATH. No browser
 * is ever downloaded: playwright-core drives the system executable.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether a Chromium is there to test with; browser tests skip, saying so, when it is not. */
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

export const NO_CHROMIUM_MESSAGE = `skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

/**
 * Launches headless Chromium with no network chatter of its own and WebGL on SwiftShader (the CPU
 * rasteriser: CI has no GPU; --enable-unsafe-swiftshader keeps it allowed as Chromium phases out the
 * silent fallback). playwright-core gives every launch a fresh temporary profile (it refuses a
 * --user-data-dir argument for that reason) and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}
