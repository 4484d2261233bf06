import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTable, type Output, printable } from '../output.js';
import { action, type CliRun } from './index.js';
import {
  addDetectOptions,
  addLabelOptions,
  addLimitOptions,
  addOutputOptions,
  type SplitFlags,
  splitOptionsFrom,
} from './options.js';

const EXAMPLES = `
Examples:
  $ meshparts inspect robot.glb
  $ meshparts inspect robot.glb --strategy components
  $ meshparts inspect robot.glb --json | jq '.parts | length'

Shows the parts \`meshparts split\` would write (same options), the strategy it would use and why.
Nothing is written.`;

/** `meshparts inspect <model>`: the part plan as a table, or JSON. */
export function register(program: Command, run: CliRun): void {
  const command = program
    .command('inspect')
    .description('show the parts of a model, the strategy that finds them and why (writes nothing)')
    .argument('<model>', 'a .glb or .gltf file');
  addOutputOptions(addLimitOptions(addLabelOptions(addDetectOptions(command))))
    .addHelpText('after', EXAMPLES)
    .action(
      action(run, (output, flags: SplitFlags, [model]) => inspectCommand(output, String(model), flags)),
    );
}

async function inspectCommand(output: Output, model: string, flags: SplitFlags): Promise<ExitCode> {
  const options = await splitOptionsFrom(flags);
  // The planning entry: it does not load @gltf-transform/functions (see @meshparts/split/inspect).
  const { inspectModel } = await import('@meshparts/split/inspect');
  const report = await inspectModel(model, { ...options, logger: output.logger() });
  if (output.json) {
    output.writeJson(report);
    return EXIT.ok;
  }
  const header = [
    `${printable(report.file)}: ${report.parts.length} part${report.parts.length === 1 ? '' : 's'}, ${report.vertices} vertices, ${report.triangles} triangles`,
    `strategy: ${report.strategy} (${printable(report.reason)})`,
    ...(report.sceneNote ? [`note: ${printable(report.sceneNote)}`] : []),
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
    { rightAligned: [4, 5, 6] },
  );
  output.result([...header, '', table].join('\n'));
  return EXIT.ok;
}
