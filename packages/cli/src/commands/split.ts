import type { Command } from 'commander';
import { stderrLogger } from './cli-logger.js';
import { addLimitOptions, type LimitFlags, limitsFrom } from './limit-options.js';
import {
  addLabelOptions,
  asUsageError,
  CASE_CHOICES,
  INSTANCES_CHOICES,
  PIVOT_CHOICES,
  resolveSplitFlags,
  type SplitFlags,
  STRATEGY_CHOICES,
} from './split-options.js';

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
once the new one is complete. Exit codes: 0 done, 2 bad usage or unreadable input (nothing written).`;

/** `meshparts split <model> -o <dir>`: detect, split, name, write a pack. No network. */
export function register(program: Command): void {
  const command = program
    .command('split')
    .description('split a model into one GLB per part and write manifest.json (no network)')
    .argument('<model>', 'a .glb or .gltf file')
    .requiredOption('-o, --out <dir>', 'the pack folder to write')
    .option('--strategy <name>', `how to find parts: ${STRATEGY_CHOICES.join(', ')}`, 'auto')
    .option(
      '--attribute <name>',
      'per-vertex label attribute for --strategy attribute (default: _PART_ID, _SEGMENT, feature IDs)',
    )
    .option('--pivot <mode>', `part origin: ${PIVOT_CHOICES.join(', ')}`, 'original')
    .option(
      '--instances <mode>',
      `a mesh used by several nodes: ${INSTANCES_CHOICES.join(' (one file, several placements), ')} (one file per node)`,
      'shared',
    )
    .option('--name-template <template>', 'part names from {name}, {index}, {id}, {model}', '{name}')
    .option('--rename <map.json>', 'JSON object mapping source names (exact or "/regex/flags") to new names')
    .option('--case <style>', `name case: ${CASE_CHOICES.join(', ')}`, 'keep')
    .option('--json', 'print only JSON on stdout: { dir, manifest }')
    .option('--dry-run', 'show the parts and files that would be written; write nothing')
    .option('--quiet', 'print nothing on success (errors still go to stderr)')
    .addHelpText('after', EXAMPLES);
  addLimitOptions(addLabelOptions(command)).action(async (model: string, flags: SplitCommandFlags) => {
    const split = await import('@meshparts/split/pack');
    const resolved = await resolveSplitFlags(flags, split);
    const limits = limitsFrom(flags);
    const options = {
      strategy: resolved.strategy,
      instances: resolved.instances,
      labels: {
        ...resolved.labels,
        ...(resolved.attribute !== undefined ? { attribute: resolved.attribute } : {}),
      },
      naming: resolved.naming,
      limits,
      logger: stderrLogger(Boolean(program.opts().debug)),
    };
    if (flags.dryRun) {
      const report = await split.inspectModel(model, options).catch(asUsageError);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ dryRun: true, dir: flags.out, report }, null, 2)}\n`);
      } else if (!flags.quiet) {
        const lines = [
          `${report.file}: would write ${plural(report.parts.length, 'part')} by ${report.strategy} (${report.reason})`,
          ...(report.sceneNote ? [`note: ${report.sceneNote}`] : []),
          ...report.parts.map((part) => `  ${flags.out}/parts/${part.name}.glb  ${part.triangles} triangles`),
          'nothing written (--dry-run)',
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      return;
    }
    const { manifest, plan, dir } = await split
      .splitModel(model, flags.out, { ...options, pivot: resolved.pivot })
      .catch(asUsageError);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ dir, manifest }, null, 2)}\n`);
      return;
    }
    if (flags.quiet) return;
    const lines = [
      `${manifest.source.file}: ${plural(manifest.parts.length, 'part')} by ${plan.strategy} (${plan.reason})`,
      ...(plan.sceneNote ? [`note: ${plan.sceneNote}`] : []),
      ...manifest.parts.map(
        (part) => `  ${part.file}  ${part.triangles} triangles, ${part.byteLength} bytes`,
      ),
      `wrote ${dir}/manifest.json`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/** `split`'s own flags on top of the shared ones. */
interface SplitCommandFlags extends SplitFlags, LimitFlags {
  out: string;
  dryRun?: boolean;
  quiet?: boolean;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
