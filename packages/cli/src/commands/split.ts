import type { Command } from 'commander';
import { stderrLogger } from './cli-logger.js';
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
    .addHelpText('after', EXAMPLES);
  addLabelOptions(command).action(async (model: string, flags: SplitFlags & { out: string }) => {
    const split = await import('@meshparts/split');
    const resolved = await resolveSplitFlags(flags, split);
    const logger = stderrLogger(Boolean(program.opts().debug));
    const { manifest, plan, dir } = await split
      .splitModel(model, flags.out, {
        strategy: resolved.strategy,
        ...(resolved.attribute !== undefined ? { attribute: resolved.attribute } : {}),
        instances: resolved.instances,
        ...resolved.labels,
        pivot: resolved.pivot,
        naming: resolved.naming,
        logger,
      })
      .catch(asUsageError);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ dir, manifest }, null, 2)}\n`);
      return;
    }
    const lines = [
      `${manifest.source.file}: ${manifest.parts.length} part${manifest.parts.length === 1 ? '' : 's'} by ${plan.strategy} (${plan.reason})`,
      ...(plan.sceneNote ? [`note: ${plan.sceneNote}`] : []),
      ...manifest.parts.map(
        (part) => `  ${part.file}  ${part.triangles} triangles, ${part.byteLength} bytes`,
      ),
      `wrote ${dir}/manifest.json`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
