import type { Command } from 'commander';
import { apiContext, segmenterLine } from '../api-context.js';
import { EXIT } from '../exit-codes.js';
import { PipelineUsageError } from '../pipeline/errors.js';
import type { SegmenterName } from '../pipeline/events.js';
import { createProgressReporter } from '../progress.js';
import { shortPath } from '../short-path.js';
import { planTable, runJson, summaryTable } from '../summary.js';
import { UsageError } from '../usage-error.js';
import { withInterrupt } from './interrupt.js';
import { addLimitOptions } from './limit-options.js';
import {
  addApiOptions,
  addOutputOptions,
  addSegmenterOption,
  addSplitOptions,
  nonNegativeInt,
  positiveInt,
} from './options.js';
import { type SplitFlags, splitSettingsFrom } from './split-flags.js';
import { addLabelOptions } from './split-options.js';

interface RunFlags extends SplitFlags {
  out: string;
  apiKey?: string;
  baseUrl?: string;
  rpm?: number;
  concurrency?: number;
  segmenter?: SegmenterName;
  maxCredits?: number;
  dryRun?: boolean;
  resubmitUnknown?: boolean;
  resubmitExpired?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ meshparts run fixtures/ -o out/packs                      # offline (local segmenter) without an API key
  $ THREEDAISTUDIO_API_KEY=... meshparts run robot.glb chair.glb -o out/packs --max-credits 160
  $ meshparts run models/ -o out/packs --dry-run              # what would be submitted, and the credits
  $ meshparts run models/ -o out/packs --json > run.json      # machine-readable results on stdout

Rerunning the same command resumes: paid tasks in the journal (out/packs/.meshparts/journal.jsonl) are
waited for and downloaded instead of resubmitted, cached results are split again for free, and complete
packs are skipped. Exit codes: 0 all models ok, 1 some failed, 2 bad usage or input.`;

export function register(program: Command): void {
  const command = program
    .command('run')
    .description(
      'segment + split many models into one pack per model, with a journal that resumes after a crash',
    )
    .argument('<models...>', 'model files or folders (searched for .glb .gltf .fbx .obj .stl)')
    .requiredOption('-o, --out <dir>', 'output folder: <dir>/<model>/ packs and <dir>/catalog.json')
    .option('--concurrency <n>', 'models in flight at once (default 4)', positiveInt('--concurrency'))
    .option(
      '--max-credits <n>',
      'refuse to start if the run could spend more credits',
      nonNegativeInt('--max-credits'),
    )
    .option('--dry-run', 'print what would be submitted and what it would cost; submit nothing')
    .option('--resubmit-unknown', 'resubmit models whose earlier submission got no answer (may pay twice)')
    .option(
      '--resubmit-expired',
      'resubmit models whose finished result expired before download (pays again)',
    );
  addSegmenterOption(command);
  addApiOptions(command);
  addSplitOptions(command);
  addLabelOptions(command);
  addLimitOptions(command);
  addOutputOptions(command);
  command.addHelpText('after', EXAMPLES).action(async (models: string[], flags: RunFlags, cmd: Command) => {
    process.exitCode = await runCommand(models, flags, Boolean(cmd.optsWithGlobals().debug));
  });
}

async function runCommand(models: string[], flags: RunFlags, debug: boolean): Promise<number> {
  const { runPipeline } = await import('../pipeline/run-pipeline.js');
  const { config, client } = await apiContext(flags, debug);
  const segmenter: SegmenterName = flags.segmenter ?? (config.apiKey ? 'tripo' : 'local');
  if (segmenter === 'tripo' && !config.apiKey) {
    throw new UsageError(
      '--segmenter tripo needs an API key: --api-key, THREEDAISTUDIO_API_KEY, or the config file (see meshparts run --help)',
    );
  }
  const split = await splitSettingsFrom(flags);
  // Debug log lines would tear through progress bars: --debug gets plain lines.
  const reporter = createProgressReporter({
    stream: process.stderr,
    quiet: Boolean(flags.quiet),
    plain: debug,
  });
  reporter.log(segmenterLine(segmenter, config, flags.segmenter !== undefined));
  const run = await withInterrupt(async (signal) => {
    try {
      return await runPipeline({
        inputs: models,
        outDir: flags.out,
        segmenter,
        client,
        split,
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.maxCredits !== undefined ? { maxCredits: flags.maxCredits } : {}),
        dryRun: Boolean(flags.dryRun),
        resubmitUnknown: Boolean(flags.resubmitUnknown),
        resubmitExpired: Boolean(flags.resubmitExpired),
        signal,
        onEvent: (event) => reporter.onEvent(event),
      });
    } catch (error) {
      if (error instanceof PipelineUsageError) throw new UsageError(error.message);
      throw error;
    } finally {
      reporter.stop();
    }
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(runJson(run), null, 2)}\n`);
  const failed = run.results.filter((r) => r.outcome === 'failed');
  if (run.dryRun) {
    if (!flags.json) process.stderr.write(`${planTable(run)}\n`);
    return EXIT.ok;
  }
  if (!flags.quiet) {
    process.stderr.write(`\n${summaryTable(run)}\n`);
    process.stderr.write(`packs in ${shortPath(run.outDir)}/, catalog: ${shortPath(run.catalogPath)}\n`);
  } else {
    for (const r of failed)
      process.stderr.write(`meshparts: ${r.model.file}: [${r.error?.code}] ${r.error?.message}\n`);
  }
  if (run.catalogError) process.stderr.write(`meshparts: ${run.catalogError}\n`);
  return failed.length > 0 || run.catalogError ? EXIT.someFailed : EXIT.ok;
}
