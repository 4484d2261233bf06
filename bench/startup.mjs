/**
 * Target 6: `meshparts --help` and `meshparts inspect <small file>` start and finish in under 0.3 s
 * of wall time (whole processes, built CLI). `node -e 0` runs alongside as the floor Node itself sets.
 */
import { alternate, summarize } from './lib/measure.mjs';
import { CLI_BIN, ROOT } from './lib/paths.mjs';
import { markdownTable, mib, ms } from './lib/table.mjs';

const SMALL = `${ROOT}fixtures/TwoCubes.glb`;
const LIMIT_MS = 300;

export async function benchStartup({ rounds, log }) {
  const jobs = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'meshparts --help', args: [CLI_BIN, '--help'] },
    { name: 'meshparts inspect TwoCubes.glb', args: [CLI_BIN, 'inspect', SMALL] },
  ];
  const samples = await alternate(jobs, { rounds: Math.max(rounds, 10), log });
  const rows = jobs.map((job) => {
    const s = summarize(job.name, samples.get(job.name));
    const verdict = job.name.startsWith('node') ? '(floor)' : s.wallMs < LIMIT_MS ? 'met' : 'not met';
    return [
      job.name,
      ms(s.wallMs),
      `${ms(s.minWallMs)}–${ms(s.maxWallMs)}`,
      mib(s.maxRssMiB),
      String(s.runs),
      s.load1.toFixed(2),
      verdict,
    ];
  });
  return {
    markdown: markdownTable(
      ['command', 'median wall', 'range', 'peak RSS', 'runs', 'load avg', 'target (< 300 ms)'],
      rows,
    ),
  };
}
