import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { apiContext, segmenterLine } from '../api-context.js';
import { EXIT } from '../exit-codes.js';
import { messageOf } from '../pipeline/errors.js';
import type { SegmenterName } from '../pipeline/events.js';
import { shortPath } from '../short-path.js';
import { UsageError } from '../usage-error.js';
import { withInterrupt } from './interrupt.js';
import { addApiOptions, addOutputOptions, addSegmenterOption, nonNegativeInt } from './options.js';
import { type SplitFlags, splitSettingsFrom } from './split-flags.js';
import { addLabelOptions } from './split-options.js';

interface SegmentFlags extends SplitFlags {
  out: string;
  url?: string;
  apiKey?: string;
  baseUrl?: string;
  rpm?: number;
  segmenter?: SegmenterName;
  json?: boolean;
  quiet?: boolean;
  maxCredits?: number;
  dryRun?: boolean;
}

/** What one Tripo segmentation costs, in credits (API-NOTES.md). */
const TRIPO_CREDITS = 80;

const EXAMPLES = `
Examples:
  $ meshparts segment robot.glb -o robot.segmented.glb            # Tripo when a key is set, else local
  $ meshparts segment --url https://example.com/robot.glb -o robot.segmented.glb
  $ meshparts segment robot.glb -o robot.segmented.glb --segmenter local

Only segments (one named node per part); use \`meshparts split\` on the result, or \`meshparts run\` for
both with a journal that resumes paid tasks. The task id is printed as soon as the task is paid for.`;

export function register(program: Command): void {
  const command = program
    .command('segment')
    .description('segment one model (Tripo API or local) into a GLB with one named node per part')
    .argument('[model]', 'model file (.glb .gltf .fbx .obj .stl; local segmenter: .glb .gltf)')
    .requiredOption('-o, --out <file.glb>', 'where to write the segmented GLB')
    .option('--url <modelUrl>', 'a publicly reachable model URL instead of a file (tripo only)')
    .option(
      '--max-credits <n>',
      'refuse to submit if the segmentation would spend more credits',
      nonNegativeInt('--max-credits'),
    )
    .option('--dry-run', 'say what would be done and what it would cost; submit and write nothing');
  addSegmenterOption(command);
  addLabelOptions(command);
  addApiOptions(command);
  addOutputOptions(command);
  command
    .addHelpText('after', EXAMPLES)
    .action(async (model: string | undefined, flags: SegmentFlags, cmd: Command) => {
      process.exitCode = await segmentCommand(model, flags, Boolean(cmd.optsWithGlobals().debug));
    });
}

async function segmentCommand(
  model: string | undefined,
  flags: SegmentFlags,
  debug: boolean,
): Promise<number> {
  if ((model === undefined) === (flags.url === undefined)) {
    throw new UsageError('give either a model file or --url <modelUrl> (exactly one)');
  }
  const { config, client: clientOptions } = await apiContext(flags, debug);
  const segmenter: SegmenterName = flags.segmenter ?? (config.apiKey ? 'tripo' : 'local');
  const say = (line: string) => {
    if (!flags.quiet) process.stderr.write(`${line}\n`);
  };
  say(segmenterLine(segmenter, config, flags.segmenter !== undefined));
  const credits = segmenter === 'tripo' ? TRIPO_CREDITS : 0;
  if (flags.maxCredits !== undefined && credits > flags.maxCredits) {
    throw new UsageError(
      `this segmentation costs ${credits} credits, more than --max-credits ${flags.maxCredits}; nothing was submitted`,
    );
  }
  const to = resolve(flags.out);
  if (flags.dryRun) {
    say(
      `would ${segmenter === 'tripo' ? 'submit' : 'segment locally'} ${model ?? flags.url} -> ${shortPath(to)}; ${credits} credit(s)`,
    );
    if (flags.json) {
      const out = { segmenter, dryRun: true, credits, path: to };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    }
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
      local = await segmentFileLocally(model, (await splitSettingsFrom(flags)).labels);
    } catch (error) {
      throw new UsageError(messageOf(error));
    }
    await writeFileAtomic(to, local.bytes);
    say(`${local.parts} part(s) (${local.strategy}: ${local.reason}) -> ${shortPath(to)}`);
    if (flags.json) {
      const out = {
        segmenter,
        taskId: null,
        path: to,
        byteLength: local.bytes.byteLength,
        parts: local.parts,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    }
    return EXIT.ok;
  }

  if (!config.apiKey)
    throw new UsageError(
      '--segmenter tripo needs an API key (--api-key, THREEDAISTUDIO_API_KEY or the config file)',
    );
  const { createClient, segmentToFile, isInputRejected } = await import('../pipeline/segmenters.js');
  const client = createClient(clientOptions);
  try {
    const result = await withInterrupt((signal) =>
      segmentToFile(client, model ? { file: model } : { url: flags.url! }, to, {
        signal,
        onSubmitted: (taskId) => say(`submitted task ${taskId} (80 credits)`),
        onProgress: ({ status, progress }) => say(`${status.toLowerCase()} ${Math.round(progress)}%`),
      }),
    );
    say(`task ${result.taskId}: ${result.byteLength} bytes -> ${shortPath(result.path)}`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ segmenter, ...result }, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (isInputRejected(error)) throw new UsageError(messageOf(error));
    const taskId = (error as { taskId?: unknown }).taskId;
    const note =
      typeof taskId === 'string' ? ` (task ${taskId}: its result can still be fetched until it expires)` : '';
    process.stderr.write(`meshparts: ${messageOf(error)}${note}\n`);
    if (flags.json) {
      const json = {
        segmenter,
        error: { name: (error as Error).name, message: messageOf(error), taskId: taskId ?? null },
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    }
    return EXIT.someFailed;
  } finally {
    await client.close();
  }
}
