/**
 * The one bench runner. Usage (from the repository root, after `pnpm build`):
 *
 *   node bench/run.mjs [nodes|labels|blended|scaling|requests|stream|startup ...] [--rounds N] [--write]
 *
 * With no names it runs them all. `--rounds` (default 5) is the number of alternated rounds of
 * whole-process runs per benchmark (after one untimed warm-up round). `--write` replaces each
 * benchmark's section of BENCHMARKS.md (between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`)
 * with the table of this run, the command, the date, the machine and the load average.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { OUT, ROOT } from './lib/paths.mjs';
import { benchRequests } from './requests.mjs';
import { benchBlended, benchLabels, benchNodes, benchScaling } from './split.mjs';
import { benchStartup } from './startup.mjs';
import { benchStream } from './stream.mjs';

const BENCHES = {
  nodes: benchNodes,
  labels: benchLabels,
  blended: benchBlended,
  scaling: benchScaling,
  requests: benchRequests,
  stream: benchStream,
  startup: benchStartup,
};

function parseArgs(argv) {
  const names = [];
  let rounds = 5;
  let write = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rounds') rounds = Number(argv[++i]);
    else if (arg === '--write') write = true;
    else if (arg in BENCHES) names.push(arg);
    else throw new Error(`unknown argument ${arg}; benchmarks: ${Object.keys(BENCHES).join(', ')}`);
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
  return { names: names.length > 0 ? names : Object.keys(BENCHES), rounds, write };
}

/** One line that says where and when the numbers were taken. */
function provenance(name, rounds) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpu}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')} at the end; outputs in \`${OUT.replace(ROOT, '')}\`; command: \`${[
    'BENCH_OUT',
    'BENCH_REQUESTS_SHAPES',
  ]
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]} `)
    .join('')}node bench/run.mjs ${name} --rounds ${rounds}\`.`;
}

/** Replaces (or appends) the section of `name` in BENCHMARKS.md. */
async function writeSection(name, body) {
  const path = `${ROOT}BENCHMARKS.md`;
  const text = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(path, next);
}

const { names, rounds, write } = parseArgs(process.argv.slice(2));
const log = (line) => process.stderr.write(`${line}\n`);
for (const name of names) {
  log(`# ${name}`);
  const { markdown } = await BENCHES[name]({ rounds, log });
  const body = `${markdown}\n\n${provenance(name, rounds)}`;
  process.stdout.write(`\n## ${name}\n\n${body}\n`);
  if (write) await writeSection(name, body);
}
