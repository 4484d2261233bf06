/**
 * Target 5 child: one 150 MB transfer through the built @meshparts/client, reporting the resident set
 * size just before the transfer and the peak reached during it, so the parent can tell what the
 * transfer itself added, and the transfer's own duration (the process also waits for the warm-up).
 * Usage: node transfer.mjs upload <file.glb> | node transfer.mjs download <url> <to>
 * Env: BENCH_API_KEY, BENCH_BASE_URL. Prints one JSON line.
 *
 * How the window is measured, and why:
 * - A warm-up request first loads the client's code paths, undici and its llhttp parser. Undici compiles
 *   llhttp (WebAssembly) on the first connection, and V8 then optimizes that module on background
 *   threads for ~50–150 ms, which takes ~33 MiB of transient memory (it vanishes with `--liftoff-only`).
 *   That happens once per process whatever is transferred, so the child waits for the RSS to settle
 *   before the window opens. Earlier versions opened it right after the warm-up request, and the
 *   compilation landed inside the "transfer" (about half of the 55–66 MiB rises they reported).
 * - On Linux the window is "RSS now" → "peak since now": the kernel's high-water mark is reset to the
 *   current RSS (`/proc/self/clear_refs` ← 5) and read back from `VmHWM` afterwards. The older
 *   `maxRSS` after − `maxRSS` before could under-count (a transient peak before the window, such as
 *   the compilation above, hides any rise that stays below it). Elsewhere it falls back to `maxRSS`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLIENT_DIST } from '../lib/paths.mjs';

/** VmRSS and VmHWM in KiB, or undefined where /proc is missing. */
function procStatus() {
  try {
    const text = readFileSync('/proc/self/status', 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
    const rss = field('VmRSS');
    const hwm = field('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(hwm) ? { rss, hwm } : undefined;
  } catch {
    return undefined;
  }
}

/** Resets the kernel's peak-RSS mark to the current RSS; false where that is not possible. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Waits until the peak RSS has not moved for `quietMs` (at least `quietMs`, at most `maxMs`). */
async function settle(quietMs = 500, maxMs = 5000) {
  const peak = () => procStatus()?.hwm ?? process.resourceUsage().maxRSS;
  const started = Date.now();
  let last = peak();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - started < maxMs) {
    await sleep(25);
    const now = peak();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

const [mode, source, to] = process.argv.slice(2);
const { StudioClient } = await import(CLIENT_DIST);
const client = new StudioClient({
  apiKey: process.env.BENCH_API_KEY,
  baseUrl: process.env.BENCH_BASE_URL,
  requestsPerMinute: 10_000,
});
// Warm the code paths with nothing in flight, so the "before" includes the loaded modules.
await client.wallet.balance();
await settle();
// The peak so far (the warm-up's compilation included): resetting the mark below also resets what
// GNU time reports at exit, so the parent takes the larger of the two as the process's peak.
const peakBeforeKiB = procStatus()?.hwm ?? process.resourceUsage().maxRSS;
const method = procStatus() !== undefined && resetPeak() ? 'vmhwm' : 'maxrss';
const before = method === 'vmhwm' ? procStatus().rss : process.resourceUsage().maxRSS;
const started = process.hrtime.bigint();
let detail;
if (mode === 'upload') {
  detail = await client.segmentation.create({ model: source });
} else {
  detail = await client.download(source, { to });
}
const transferMs = Number(process.hrtime.bigint() - started) / 1e6;
const after = method === 'vmhwm' ? procStatus().hwm : process.resourceUsage().maxRSS;
await client.close();
process.stdout.write(
  `${JSON.stringify({ beforeKiB: before, afterKiB: after, peakBeforeKiB, method, transferMs, detail })}\n`,
);
