import type { Command } from 'commander';
import { apiContext, segmenterOf } from '../api-context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Output, printable, shellQuote } from '../output.js';
import type { SegmenterName } from '../pipeline/events.js';
import { shortPath } from '../short-path.js';
import { UsageError } from '../usage-error.js';
import { action, type CliRun } from './index.js';
import { withInterrupt } from './interrupt.js';
import {
  type ApiFlags,
  addApiOptions,
  addLabelOptions,
  addLimitOptions,
  addMaxCreditsOption,
  addOutputOptions,
  addSegmenterOption,
  addWaitOptions,
  type SplitFlags,
  splitOptionsFrom,
  waitTimeoutOf,
} from './options.js';

interface SegmentFlags extends SplitFlags, ApiFlags {
  out: string;
  url?: string;
  task?: string;
  segmenter?: SegmenterName;
  json?: boolean;
  quiet?: boolean;
  maxCredits?: number;
  dryRun?: boolean;
  resubmitUnknown?: boolean;
  resubmitExpired?: boolean;
}

const EXAMPLES = `
Examples:
  $ meshparts segment robot.glb -o robot.segmented.glb            # Tripo when a key is set, else local
  $ meshparts segment robot.glb -o robot.segmented.glb --segmenter local
  $ meshparts segment --task 8e78987a-... -o robot.segmented.glb  # fetch a task already paid for
  $ meshparts segment --url https://example.com/robot.glb -o robot.segmented.glb

Only segments (one named node per part); use \`meshparts split\` on the result, or \`meshparts run\` for
both. Like \`run\`, it keeps a journal and a cache in .meshparts/ beside the output file: the same
command again after a Ctrl-C resumes the paid task, and the same model again costs nothing. A --url
submission is not journaled (the content behind a URL can change): fetch its printed task with --task.
Exit codes: 0 done, 1 failed (a paid result is kept: rerun), 2 bad usage or input (nothing paid).`;

export function register(program: Command, run: CliRun): void {
  const command = program
    .command('segment')
    .description('segment one model (Tripo API or local) into a GLB with one named node per part')
    .argument('[model]', 'model file (.glb .gltf .fbx .obj .stl; local segmenter: all but .fbx)')
    .requiredOption('-o, --out <file.glb>', 'where to write the segmented GLB (a file, not a folder)')
    .option('--url <modelUrl>', 'a publicly reachable model URL instead of a file (tripo only)')
    .option('--task <id>', 'fetch the result of a task already paid for (nothing is submitted)')
    .option('--dry-run', 'say what would be done and what it would cost; submit and write nothing')
    .option('--resubmit-unknown', 'resubmit a model whose earlier submission got no answer (may pay twice)')
    .option('--resubmit-expired', 'resubmit a model whose result expired or whose task is gone (pays again)');
  addMaxCreditsOption(command, 'submit');
  addSegmenterOption(command);
  addLimitOptions(addLabelOptions(command));
  addWaitOptions(addApiOptions(command));
  addOutputOptions(command)
    .addHelpText('after', EXAMPLES)
    .action(
      action(run, (output, flags: SegmentFlags, [model]) =>
        segmentCommand(output, model === undefined ? undefined : String(model), flags),
      ),
    );
}

async function segmentCommand(
  output: Output,
  model: string | undefined,
  flags: SegmentFlags,
): Promise<ExitCode> {
  const given = [model, flags.url, flags.task].filter((value) => value !== undefined).length;
  if (given !== 1) throw new UsageError('give exactly one of a model file, --url <modelUrl> or --task <id>');
  const context = await apiContext(flags, output);
  if (flags.task !== undefined) return fetchCommand(output, flags.task, flags, context);
  const { segmenter, line } = segmenterOf(flags.segmenter, context);
  if (flags.url !== undefined) {
    if (segmenter === 'local') {
      throw new UsageError('--url needs the tripo segmenter (an API key); download the model first');
    }
    return urlCommand(output, flags.url, flags, context, line);
  }
  const split = await splitOptionsFrom(flags);
  const { segmentModel } = await import('../pipeline/segment-model.js');
  const { createProgressReporter } = await import('../progress.js');
  const reporter = createProgressReporter({ stream: output.stderr, quiet: output.quiet, plain: true });
  const result = await withInterrupt((signal) =>
    segmentModel({
      model: model!,
      to: flags.out,
      segmenter,
      client: context.client,
      ...(split.labels ? { labels: split.labels } : {}),
      ...(split.granularity ? { granularity: split.granularity } : {}),
      ...(split.limits ? { limits: split.limits } : {}),
      ...(flags.maxCredits !== undefined ? { maxCredits: flags.maxCredits } : {}),
      dryRun: Boolean(flags.dryRun),
      resubmitUnknown: Boolean(flags.resubmitUnknown),
      resubmitExpired: Boolean(flags.resubmitExpired),
      ...waitTimeoutOf(flags),
      signal,
      onEvent: (event) => {
        // The segmenter line once the checks passed: a refusal stays one line.
        if (event.type === 'plan') output.info(line);
        else reporter.onEvent(event);
      },
    }),
  );
  const { plan } = result;
  const to = shortPath(result.path ?? flags.out);
  if (flags.dryRun) {
    const enough = result.balance === undefined || result.balance >= plan.credits;
    output.info(
      `would ${plan.action} ${printable(model!)} -> ${printable(to)}: ${printable(plan.reason)}; ${plan.credits} credit(s)` +
        (result.balance === undefined
          ? ''
          : `; balance ${result.balance}: ${enough ? 'enough' : 'NOT enough'}`),
    );
    if (output.json) {
      output.writeJson({
        segmenter,
        dryRun: true,
        action: plan.action,
        reason: plan.reason,
        credits: plan.credits,
        path: result.path ?? flags.out,
        ...(result.balance !== undefined ? { balance: result.balance } : {}),
      });
    }
    return enough ? EXIT.ok : EXIT.usage;
  }
  if (result.error) {
    output.failure(
      result.error.code === 'input' ? 'usage' : 'failure',
      result.error,
      result.taskId ? { taskId: result.taskId } : {},
    );
    return result.error.code === 'input' ? EXIT.usage : EXIT.someFailed;
  }
  const paid =
    result.credits > 0
      ? `, ${result.credits} credits`
      : plan.action === 'split'
        ? ', cached: nothing paid'
        : '';
  output.info(
    `${result.taskId ? `task ${printable(result.taskId)}: ` : ''}${result.byteLength} bytes${paid} -> ${printable(to)}`,
  );
  if (output.json) {
    output.writeJson({
      segmenter,
      taskId: result.taskId ?? null,
      path: result.path,
      byteLength: result.byteLength,
      credits: result.credits,
      cached: plan.action === 'split',
    });
  }
  return EXIT.ok;
}

type Context = Awaited<ReturnType<typeof apiContext>>;

/** `--task <id>`: wait for a task already paid for and download its result. Nothing is paid. */
async function fetchCommand(
  output: Output,
  taskId: string,
  flags: SegmentFlags,
  context: Context,
): Promise<ExitCode> {
  if (!context.config.apiKey)
    throw new UsageError('--task needs an API key (--api-key, THREEDAISTUDIO_API_KEY or the config file)');
  const { fetchTask } = await import('../pipeline/segment-model.js');
  try {
    const result = await withInterrupt((signal) =>
      fetchTask({
        taskId,
        to: flags.out,
        client: context.client,
        ...waitTimeoutOf(flags),
        signal,
        onEvent: (event) => {
          if (event.type === 'progress')
            output.info(
              `task ${printable(taskId)}: ${printable(event.status.toLowerCase())} ${Math.round(event.progress)}%`,
            );
        },
      }),
    );
    output.info(
      `task ${printable(taskId)}: ${result.byteLength} bytes, nothing paid -> ${printable(shortPath(result.path))}`,
    );
    if (output.json)
      output.writeJson({ taskId, path: result.path, byteLength: result.byteLength, credits: 0 });
    return EXIT.ok;
  } catch (error) {
    const { PipelineUsageError } = await import('../pipeline/errors.js');
    if (error instanceof PipelineUsageError) throw error;
    output.failure('failure', error, { taskId });
    return EXIT.someFailed;
  }
}

/**
 * `--url`: the provider fetches the model. Not journaled (the content behind a URL can change): the
 * task id is printed as soon as it is paid for, and `--task` fetches it after an interruption.
 */
async function urlCommand(
  output: Output,
  url: string,
  flags: SegmentFlags,
  context: Context,
  line: string,
): Promise<ExitCode> {
  const { prepareOutputFile } = await import('../pipeline/segment-model.js');
  const { resolve } = await import('node:path');
  const to = resolve(flags.out);
  if (flags.maxCredits !== undefined && context.credits > flags.maxCredits) {
    throw new UsageError(
      `this segmentation costs ${context.credits} credits, more than --max-credits ${flags.maxCredits}; nothing was submitted`,
    );
  }
  await prepareOutputFile(to, !flags.dryRun);
  output.info(line);
  if (flags.dryRun) {
    output.info(
      `would submit ${printable(url)} -> ${printable(shortPath(to))}; ${context.credits} credit(s)`,
    );
    if (output.json)
      output.writeJson({ segmenter: 'tripo', dryRun: true, credits: context.credits, path: to });
    return EXIT.ok;
  }
  const { createClient, segmentUrlToFile } = await import('../pipeline/segmenters.js');
  const { messageOf } = await import('../pipeline/errors.js');
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient(context.client);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  let paid: string | undefined;
  try {
    const result = await withInterrupt((signal) =>
      segmentUrlToFile(client, url, to, {
        signal,
        ...waitTimeoutOf(flags),
        onSubmitted: (taskId) => {
          paid = taskId;
          output.info(`submitted task ${printable(taskId)} (${context.credits} credits)`);
        },
        onProgress: ({ status, progress }) =>
          output.info(`${printable(status.toLowerCase())} ${Math.round(progress)}%`),
      }),
    );
    output.info(
      `task ${printable(result.taskId)}: ${result.byteLength} bytes -> ${printable(shortPath(result.path))}`,
    );
    if (output.json) {
      output.writeJson({
        segmenter: 'tripo',
        taskId: result.taskId,
        path: result.path,
        byteLength: result.byteLength,
      });
    }
    return EXIT.ok;
  } catch (error) {
    const taskId = paid ?? (error as { taskId?: unknown }).taskId;
    const note =
      typeof taskId === 'string'
        ? ` (task ${taskId} is paid: fetch its result with \`meshparts segment --task ${shellQuote(taskId)} -o ${shellQuote(flags.out)}\`)`
        : '';
    output.failure(
      'failure',
      new Error(`${messageOf(error)}${note}`),
      typeof taskId === 'string' ? { taskId } : {},
    );
    return EXIT.someFailed;
  } finally {
    await client.close();
  }
}
