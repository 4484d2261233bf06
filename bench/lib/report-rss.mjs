/**
 * Preloaded (`node --import`) into measured children when GNU time is missing: writes the process's
 * peak RSS in KiB to $BENCH_RSS_FILE at exit, so the parent can read it.
 */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
