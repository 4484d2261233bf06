import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { apiContext, segmenterOf } from '../api-context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Output, printable } from '../output.js';
import { messageOf } from '../pipeline/errors.js';
import type { SegmenterName } from '../pipeline/events.js';
import { shortPath } from '../short-path.js';
import { UsageError } from '../usage-error.js';
import { action, type CliRun } from './index.js';
import { withInterrupt } from './interrupt.js';
import {
  type ApiFlags,
  addApiOptions,
  addLabelOptions,
  addMaxCreditsOption,
  addOutputOptions,
  addPollOption,
  addSegmenterOption,
  type SplitFlags,
  splitOptionsFrom,
} from './options.js';

interface SegmentFlags extends SplitFlags, ApiFlags {
  out: string;
  url?: string;
  segmenter?: SegmenterName;
  json?: boolean;
  quiet?: boolean;
  maxCredits?: number;
  dryRun?: boolean;
}

const EXAMPLES = `
Examples:
  $ meshparts segment robot.glb -o robot.segmented.glb            # Tripo when a key is set, else local
  $ meshparts segment --url https://example.com/robot.glb -o robot.segmented.glb
  $ meshparts segment robot.glb -o robot.segmented.glb --segmenter local

Only segments (one named node per part); use \`meshparts split\` on the result, or \`meshparts run\` for
both with a journal that resumes paid tasks. The task id is printed as soon as the task is paid for.`;

export function register(program: Command, run: CliRun): void {
  const command = program
    .command('segment')
    .description('segment one model (Tripo API or local) into a GLB with one named node per part')
    .argument('[model]', 'model file (.glb .gltf .fbx .obj .stl; local segmenter: .glb .gltf)')
    .requiredOption('-o, --out <file.glb>', 'where to write the segmented GLB')
    .option('--url <modelUrl>', 'a publicly reachable model URL instead of a file (tripo only)')
    .option('--dry-run', 'say what would be done and what it would cost; submit and write nothing');
  addMaxCreditsOption(command, 'submit');
  addSegmenterOption(command);
  addLabelOptions(command);
  addPollOption(addApiOptions(command));
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
  if ((model === undefined) === (flags.url === undefined)) {
    throw new UsageError('give either a model file or --url <modelUrl> (exactly one)');
  }
  const context = await apiContext(flags, output);
  const { segmenter, line } = segmenterOf(flags.segmenter, context);
  output.info(line);
  const credits = segmenter === 'tripo' ? context.credits : 0;
  if (flags.maxCredits !== undefined && credits > flags.maxCredits) {
    throw new UsageError(
      `this segmentation costs ${credits} credits, more than --max-credits ${flags.maxCredits}; nothing was submitted`,
    );
  }
  const to = resolve(flags.out);
  if (flags.dryRun) {
    output.info(
      `would ${segmenter === 'tripo' ? 'submit' : 'segment locally'} ${printable(model ?? flags.url ?? '')} -> ${printable(shortPath(to))}; ${credits} credit(s)`,
    );
    if (output.json) output.writeJson({ segmenter, dryRun: true, credits, path: to });
    return EXIT.ok;
  }
  await mkdir(dirname(to), { recursive: true });

  if (segmenter === 'local') {
    if (!model)
      throw new UsageError('--url needs the tripo segmenter (an API key); download the model first');
    const { segmentFileLocally } = await import('../pipeline/split-api.js');
    const { writeFileAtomic } = await import('../pipeline/fs-atomic.js');
    let local: Awaited<ReturnType<typeof segmentFileLocally>>;
    try {
      const options = await splitOptionsFrom(flags);
      local = await segmentFileLocally(model, options.labels, {}, options.granularity);
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
    await writeFileAtomic(to, local.bytes);
    output.info(
      `${local.parts} part(s) (${local.strategy}: ${printable(local.reason)}) -> ${printable(shortPath(to))}`,
    );
    if (output.json) {
      output.writeJson({
        segmenter,
        taskId: null,
        path: to,
        byteLength: local.bytes.byteLength,
        parts: local.parts,
      });
    }
    return EXIT.ok;
  }

  const { createClient, segmentToFile, isInputRejected } = await import('../pipeline/segmenters.js');
  const client = createClient(context.client);
  try {
    const result = await withInterrupt((signal) =>
      segmentToFile(client, model ? { file: model } : { url: flags.url! }, to, {
        signal,
        onSubmitted: (taskId) =>
          output.info(`submitted task ${printable(taskId)} (${context.credits} credits)`),
        onProgress: ({ status, progress }) =>
          output.info(`${printable(status.toLowerCase())} ${Math.round(progress)}%`),
      }),
    );
    output.info(
      `task ${printable(result.taskId)}: ${result.byteLength} bytes -> ${printable(shortPath(result.path))}`,
    );
    if (output.json) output.writeJson({ segmenter, ...result });
    return EXIT.ok;
  } catch (error) {
    if (isInputRejected(error)) throw new UsageError(messageOf(error));
    const taskId = (error as { taskId?: unknown }).taskId;
    const note =
      typeof taskId === 'string' ? ` (task ${taskId}: its result can still be fetched until it expires)` : '';
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
