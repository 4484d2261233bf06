import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type Output, printable } from '../output.js';
import { shortPath } from '../short-path.js';
import { UsageError } from '../usage-error.js';
import { action, type CliRun } from './index.js';
import { addOutputOptions, numberParser } from './options.js';

interface ViewFlags {
  port?: number;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ meshparts view packs/robot            # one pack: its parts and the whole model in 3D
  $ meshparts view out/demo --port 8080   # a run's output: every pack, each linking to its page
  $ meshparts view out/demo --json        # {"url": "http://127.0.0.1:…/index.html", ...} once serving

The URL goes to stdout, messages to stderr. It serves the folder on 127.0.0.1 only (never on the
network), GET and HEAD only, nothing outside the folder (no "..", no symlink that leads out, no
hidden files). Ctrl-C or SIGTERM stops it (exit 0). Exit code 2: the folder is not a pack or a run's
output, or the port is taken or invalid.`;

/** `meshparts view <dir> [--port N]`: serve a pack's or a run's gallery on loopback until stopped. */
export function register(program: Command, run: CliRun): void {
  const command = program
    .command('view')
    .description("serve a pack's or a run's gallery (index.html) on 127.0.0.1 until Ctrl-C")
    .argument('<dir>', 'a pack folder or a run output folder')
    // The emulator's --port range (0-65535, 0: a free one), with its parser.
    .option(
      '--port <n>',
      'port, 0-65535 (default: a free port)',
      numberParser('--port', { min: 0, max: 65_535, integer: true }),
    );
  addOutputOptions(command, 'print {"url","dir","kind","port"} as JSON on stdout once serving')
    .addHelpText('after', EXAMPLES)
    .action(
      action(run, (output, flags: ViewFlags, operands) => viewCommand(output, String(operands[0]), flags)),
    );
}

async function viewCommand(output: Output, dir: string, flags: ViewFlags): Promise<ExitCode> {
  const { inspectServedFolder, NotServableError, startStaticServer } = await import('../view/index.js');
  const root = resolve(dir);
  const served = await inspectServedFolder(shortPath(root)).catch((error: unknown) => {
    throw error instanceof NotServableError ? new UsageError(error.message) : error;
  });
  let server: Awaited<ReturnType<typeof startStaticServer>>;
  try {
    server = await startStaticServer({
      root,
      ...(flags.port !== undefined ? { port: flags.port } : {}),
      ...(output.debug
        ? {
            onRequest: (method, target, status) => output.report(`${status} ${method} ${printable(target)}`),
          }
        : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new UsageError(`port ${flags.port} is in use: choose another with --port, or leave it out`);
    }
    if (code === 'EACCES') throw new UsageError(`port ${flags.port} needs privileges: choose one above 1023`);
    throw error;
  }
  // Listen for the signals before the URL is out: whoever reads it may stop the server at once.
  const stopped = new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  const url = `${server.origin}${encodeURI(served.page)}`;
  if (output.json) {
    output.writeJson({ url, dir: root, kind: served.kind, port: server.port });
  } else {
    output.info(`serving ${printable(served.summary)} from ${printable(shortPath(root))}`);
    output.result(url);
    output.info('press Ctrl-C to stop');
  }
  const signal = await stopped;
  await server.close();
  output.info(`stopped (${signal})`);
  return EXIT.ok;
}
