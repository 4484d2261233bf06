import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Output, plural, printable } from '../output.js';
import { UsageError } from '../usage-error.js';
import { action, type CliRun } from './index.js';
import { withInterrupt } from './interrupt.js';
import { onePartHint } from './one-part-hint.js';
import {
  addOutputOptions,
  addSplitOptions,
  galleryOf,
  type SplitFlags,
  splitOptionsFrom,
} from './options.js';

const EXAMPLES = `
Examples:
  $ meshparts split robot.glb -o packs/robot
  $ meshparts split robot.glb -o packs/robot --pivot bottom --case snake
  $ meshparts split statue.glb -o packs/statue --strategy components
  $ meshparts split scan.glb -o out --strategy attribute --attribute _LABEL
  $ meshparts split robot.glb -o out --name-template "{model}_{index}_{name}" --rename names.json
  $ meshparts split robot.glb -o out --json | jq '.manifest.parts[].file'
  $ meshparts split robot.glb -o out --dry-run

The pack holds parts/<name>.glb and manifest.json; an existing pack at the target is replaced only
once the new one is complete; Ctrl-C stops the split with the folder as it was. Exit codes: 0 done,
1 stopped by Ctrl-C (nothing written), 2 bad usage or unreadable input (nothing written).`;

interface SplitCommandFlags extends SplitFlags {
  out: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** `meshparts split <model> -o <dir>`: detect, split, name, write a pack. No network. */
export function register(program: Command, run: CliRun): void {
  const command = program
    .command('split')
    .description('split a model into one GLB per part and write manifest.json (no network)')
    .argument('<model>', 'a .glb, .gltf, .obj or .stl file')
    .requiredOption('-o, --out <dir>', 'the pack folder to write')
    .option('--dry-run', 'show the parts and files that would be written; write nothing');
  addOutputOptions(addSplitOptions(command), 'print only JSON on stdout: { dir, manifest }')
    .addHelpText('after', EXAMPLES)
    .action(
      action(run, (output, flags: SplitCommandFlags, [model]) => splitCommand(output, String(model), flags)),
    );
}

async function splitCommand(output: Output, model: string, flags: SplitCommandFlags): Promise<ExitCode> {
  const options = await splitOptionsFrom(flags);
  const logger = output.logger();
  // A GLB that `meshparts segment` wrote: its pack says what segmented it, as `run`'s would.
  const { segmentProvenance } = await import('../pipeline/segment-provenance.js');
  const provenance = await segmentProvenance(model);
  // A run's pack is refused (a dry run too: it would be); another model's pack is noted.
  const { checkSplitTarget } = await import('../pipeline/split-target.js');
  const replaced = await checkSplitTarget(flags.out, model);
  if (flags.dryRun) {
    const [{ inspectModel }, { recordedStrategy }] = await Promise.all([
      import('@meshparts/split/inspect'),
      import('@meshparts/split/options'),
    ]);
    const report = await inspectModel(model, { ...options, logger });
    // What the manifest would say of the source (report.strategy is the detection's own).
    const recorded = recordedStrategy(report, provenance?.segmentation);
    const source = {
      segmenter: provenance?.segmenter ?? 'none',
      taskId: provenance?.taskId ?? null,
      ...recorded,
    };
    if (output.json) {
      output.writeJson({ dryRun: true, dir: flags.out, report, source });
    } else if (!output.quiet) {
      output.result(
        [
          `${printable(report.file)}: would write ${plural(report.parts.length, 'part')} by ${recorded.strategy} (${printable(recorded.reason)})`,
          ...(report.sceneNote ? [`note: ${printable(report.sceneNote)}`] : []),
          ...onePartHint(flags.strategy, report.strategy, report.parts.length),
          ...report.parts.map(
            (part) =>
              `  ${printable(flags.out)}/parts/${printable(part.name)}.glb  ${part.triangles} triangles`,
          ),
          'nothing written (--dry-run)',
        ].join('\n'),
      );
    }
    return EXIT.ok;
  }
  const { assertCanCreate } = await import('../pipeline/make-directory.js');
  await assertCanCreate(flags.out).catch((error: unknown) => {
    throw new UsageError(`cannot write the pack to ${flags.out}: ${(error as Error).message}`);
  });
  const { splitModel } = await import('@meshparts/split/split-model');
  // Ctrl-C stops the split where the pack folder is still as it was (the pack writer's last check is
  // just before its commit, which it then finishes): one line, exit 1, nothing half-written.
  const result = await withInterrupt(
    async (signal) => {
      try {
        return await splitModel(model, flags.out, {
          ...options,
          ...provenance,
          ...galleryOf(flags),
          logger,
          signal,
        });
      } catch (error) {
        if (!signal.aborted) throw error;
        throw new Error(
          `split stopped (${(signal.reason as Error).message}): nothing was written, ${flags.out} is as it was`,
          { cause: error },
        );
      }
    },
    `${printable(flags.out)} stays as it was`,
  );
  const { manifest, plan, dir } = result;
  if (replaced) logger.warn(replaced);
  if (output.json) {
    output.writeJson({ dir, manifest });
    return EXIT.ok;
  }
  if (output.quiet) return EXIT.ok;
  output.result(
    [
      // The manifest's strategy: the segmenter's, for a GLB that `meshparts segment` cut (see above).
      `${printable(manifest.source.file)}: ${plural(manifest.parts.length, 'part')} by ${manifest.source.strategy} (${printable(manifest.source.reason)})`,
      ...(plan.sceneNote ? [`note: ${printable(plan.sceneNote)}`] : []),
      ...manifest.parts.map(
        (part) => `  ${printable(part.file)}  ${part.triangles} triangles, ${part.byteLength} bytes`,
      ),
      `wrote ${printable(dir)}/manifest.json`,
      ...onePartHint(flags.strategy, plan.strategy, manifest.parts.length),
    ].join('\n'),
  );
  return EXIT.ok;
}
