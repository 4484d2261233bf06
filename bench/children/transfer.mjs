/**
 * Target 5 child: one 150 MB transfer through the built @meshparts/client, reporting its own peak RSS
 * before and after, so the parent can tell what the transfer itself added.
 * Usage: node transfer.mjs upload <file.glb> | node transfer.mjs download <url> <to>
 * Env: BENCH_API_KEY, BENCH_BASE_URL. Prints one JSON line.
 */
import { CLIENT_DIST } from '../lib/paths.mjs';

const [mode, source, to] = process.argv.slice(2);
const { StudioClient } = await import(CLIENT_DIST);
const client = new StudioClient({
  apiKey: process.env.BENCH_API_KEY,
  baseUrl: process.env.BENCH_BASE_URL,
  requestsPerMinute: 10_000,
});
// Warm the code paths with nothing in flight, so the "before" includes the loaded modules.
await client.wallet.balance();
const before = process.resourceUsage().maxRSS;
let detail;
if (mode === 'upload') {
  detail = await client.segmentation.create({ model: source });
} else {
  detail = await client.download(source, { to });
}
const after = process.resourceUsage().maxRSS;
await client.close();
process.stdout.write(`${JSON.stringify({ beforeKiB: before, afterKiB: after, detail })}\n`);
