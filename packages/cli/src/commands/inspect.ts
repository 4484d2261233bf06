import type { Command } from 'commander';
import { stderrLogger } from './cli-logger.js';
import { formatTable } from './inspect-table.js';
import {
  addLabelOptions,
  asUsageError,
  resolveSplitFlags,
  type SplitFlags,
  STRATEGY_CHOICES,
} from './split-options.js';

const EXAMPLES = `
Examples:
  $ meshparts inspect robot.glb
  $ meshparts inspect robot.glb --strategy components
  $ meshparts inspect robot.glb --json | jq '.parts | length'

Shows the parts \`meshparts split\` would write (same options), the strategy it would use and why.
Nothing is written.`;

/** `meshparts inspect <model>`: the part plan as a table, or JSON. */
export function register(program: Command): void {
  const command = program
    .command('inspect')
    .description('show the parts of a model, the strategy that finds them and why (writes nothing)')
    .argument('<model>', 'a .glb or .gltf file')
    .option('--strategy <name>', `how to find parts: ${STRATEGY_CHOICES.join(', ')}`, 'auto')
    .option('--attribute <name>', 'per-vertex label attribute for --strategy attribute')
    .option('--instances <mode>', 'shared or separate (see split)', 'shared')
    .option('--name-template <template>', 'part names from {name}, {index}, {id}, {model}', '{name}')
    .option('--rename <map.json>', 'rename map (see split)')
    .option('--case <style>', 'name case (see split)', 'keep')
    .option('--json', 'print only JSON on stdout')
    .option('-q, --quiet', 'accepted like every command; inspect prints only its result (failures on stderr)')
    .addHelpText('after', EXAMPLES);
  addLabelOptions(command).action(async (model: string, flags: SplitFlags) => {
    // The planning entry: it does not load @gltf-transform/functions (see @meshparts/split/inspect).
    const split = await import('@meshparts/split/inspect');
    const resolved = await resolveSplitFlags(flags, split);
    const logger = stderrLogger(Boolean(program.opts().debug));
    const report = await split
      .inspectModel(model, {
        strategy: resolved.strategy,
        instances: resolved.instances,
        labels: {
          ...resolved.labels,
          ...(resolved.attribute !== undefined ? { attribute: resolved.attribute } : {}),
        },
        naming: resolved.naming,
        logger,
      })
      .catch(asUsageError);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    const header = [
      `${report.file}: ${report.parts.length} part${report.parts.length === 1 ? '' : 's'}, ${report.vertices} vertices, ${report.triangles} triangles`,
      `strategy: ${report.strategy} (${report.reason})`,
      ...(report.sceneNote ? [`note: ${report.sceneNote}`] : []),
    ];
    const table = formatTable(
      ['#', 'name', 'source name', 'id', 'vertices', 'triangles', 'placements', 'parent'],
      report.parts.map((part, i) => [
        String(i),
        part.name,
        part.sourceName,
        part.id,
        String(part.vertices),
        String(part.triangles),
        String(part.placements),
        part.parent ?? '',
      ]),
      [4, 5, 6],
    );
    process.stdout.write(`${[...header, '', table].join('\n')}\n`);
  });
}
