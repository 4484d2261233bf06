import type { InspectReport } from '@meshparts/split/inspect';
import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Output, printable } from '../output.js';
import { action, type CliRun } from './index.js';
import { onePartHint } from './one-part-hint.js';
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
    .argument('<model>', 'a .glb, .gltf, .obj or .stl file');
  addOutputOptions(addLimitOptions(addLabelOptions(addDetectOptions(command))))
    .addHelpText('after', EXAMPLES)
    .action(
      action(run, (output, flags: SplitFlags, [model]) => inspectCommand(output, String(model), flags)),
    );
}

/** Most colours or merges listed one per line before the rest is counted. */
const LISTED = 40;

/** The detection's choices in words: the palette and the blends of `colors`, and what was merged. */
function choices(report: InspectReport): string[] {
  const lines: string[] = [];
  const more = (total: number) => (total > LISTED ? [`  ... and ${total - LISTED} more`] : []);
  if (report.colors) {
    const { palette, blends } = report.colors;
    lines.push(`part colours: ${palette.length}`);
    for (const color of palette.slice(0, LISTED))
      lines.push(`  ${printable(color.name)}  ${color.triangles} triangles`);
    lines.push(...more(palette.length));
    lines.push(`blends (colours only where parts meet, not parts): ${blends.length}`);
    for (const blend of blends.slice(0, LISTED))
      lines.push(`  ${printable(blend.name)}  = ${blend.of.map(printable).join(' + ')}`);
    lines.push(...more(blends.length));
  }
  const absorbed = report.merges.reduce((sum, merge) => sum + merge.sourceNames.length - 1, 0);
  lines.push(
    absorbed === 0
      ? 'merged: none'
      : `merged: ${absorbed} part${absorbed === 1 ? '' : 's'} into ${report.merges.length}`,
  );
  for (const merge of report.merges.slice(0, LISTED)) {
    const others = merge.sourceNames.slice(1).map(printable).join(', ');
    lines.push(`  ${printable(merge.into)} <- ${others} (${merge.reason})`);
  }
  lines.push(...more(report.merges.length));
  return lines;
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
    ...choices(report),
    ...onePartHint(flags.strategy, report.strategy, report.parts.length),
  ];
  const { formatTable } = await import('../table.js');
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
