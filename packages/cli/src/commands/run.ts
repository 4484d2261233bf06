import type { Command } from 'commander';
import { apiContext, segmenterOf } from '../api-context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Output, printable, shellQuote } from '../output.js';
import type { SegmenterName } from '../pipeline/events.js';
import { shortPath } from '../short-path.js';
import { action, type CliRun } from './index.js';
import { withInterrupt } from './interrupt.js';
import {
  type ApiFlags,
  addApiOptions,
  addConcurrencyOption,
  addMaxCreditsOption,
  addOutputOptions,
  addSegmenterOption,
  addSplitOptions,
  addWaitOptions,
  galleryOf,
  type SplitFlags,
  splitOptionsFrom,
  waitTimeoutOf,
} from './options.js';

interface RunFlags extends SplitFlags, ApiFlags {
  out: string;
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

export function register(program: Command, run: CliRun): void {
  const command = program
    .command('run')
    .description(
      'segment + split many models into one pack per model, with a journal that resumes after a crash',
    )
    .argument('<models...>', 'model files or folders (searched for .glb .gltf .fbx .obj .stl)')
    .requiredOption('-o, --out <dir>', 'output folder: <dir>/<model>/ packs and <dir>/catalog.json')
    .option('--dry-run', 'print what would be submitted and what it would cost; submit nothing')
    .option('--resubmit-unknown', 'resubmit models whose earlier submission got no answer (may pay twice)')
    .option(
      '--resubmit-expired',
      'resubmit models whose result expired before download, or whose task the API no longer knows (pays again)',
    );
  addConcurrencyOption(command);
  addMaxCreditsOption(command, 'spend: submissions beyond it wait for a later run', 'spend');
  addSegmenterOption(command);
  addWaitOptions(addApiOptions(command));
  addSplitOptions(command);
  addOutputOptions(command)
    .addHelpText('after', EXAMPLES)
    .action(
      action(run, (output, flags: RunFlags, [models]) => runCommand(output, models as string[], flags)),
    );
}

async function runCommand(output: Output, models: string[], flags: RunFlags): Promise<ExitCode> {
  const context = await apiContext(flags, output);
  const { segmenter, line } = segmenterOf(flags.segmenter, context);
  const split = await splitOptionsFrom(flags);
  const { runPipeline } = await import('../pipeline/run-pipeline.js');
  // Progress and tables (log-update, string-width) load here, not when the command registers.
  const { createProgressReporter } = await import('../progress.js');
  const { balanceCovers, failureLines, nextSteps, planTable, runJson, summaryTable } = await import(
    '../summary.js'
  );
  // Debug log lines would tear through progress bars: --debug gets plain lines.
  const reporter = createProgressReporter({
    stream: output.stderr,
    quiet: output.quiet,
    plain: output.debug,
  });
  reporter.log(line);
  const run = await withInterrupt(async (signal) => {
    try {
      return await runPipeline({
        inputs: models,
        outDir: flags.out,
        segmenter,
        client: context.client,
        split,
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.maxCredits !== undefined ? { maxCredits: flags.maxCredits } : {}),
        dryRun: Boolean(flags.dryRun),
        resubmitUnknown: Boolean(flags.resubmitUnknown),
        resubmitExpired: Boolean(flags.resubmitExpired),
        ...waitTimeoutOf(flags),
        ...galleryOf(flags),
        signal,
        onEvent: (event) => reporter.onEvent(event),
      });
    } finally {
      reporter.stop();
    }
  });
  if (output.json) output.writeJson(runJson(run));
  const failed = run.results.filter((r) => r.outcome === 'failed');
  if (run.dryRun) {
    if (!output.json) output.report(planTable(run));
    // A plan the wallet cannot pay for is refused by the real run: say so with the exit code too.
    return balanceCovers(run) ? EXIT.ok : EXIT.usage;
  }
  if (!output.quiet) {
    output.info(`\n${summaryTable(run)}`);
    output.info(
      run.nothingCataloged
        ? 'no pack was written, so no catalog or gallery either'
        : `packs in ${printable(shortPath(run.outDir))}/, catalog: ${printable(shortPath(run.catalogPath))}` +
            (run.galleryPath
              ? `, gallery: meshparts view ${printable(shellQuote(shortPath(run.outDir)))}`
              : ''),
    );
  } else if (failed.length > 0) {
    output.report([...failureLines(failed), ...nextSteps(failed)].join('\n'));
  }
  if (run.catalogError) output.error(printable(run.catalogError));
  if (run.galleryError) output.error(`warning: ${printable(run.galleryError)}`);
  // Every model refused as bad input: nothing was done, which is exit 2 like any bad input.
  if (failed.length === run.results.length && failed.every((r) => r.error?.code === 'input'))
    return EXIT.usage;
  return failed.length > 0 || run.catalogError ? EXIT.someFailed : EXIT.ok;
}
