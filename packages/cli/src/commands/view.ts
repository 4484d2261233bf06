import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { EXIT } from '../exit-codes.js';
import { shortPath } from '../short-path.js';
import { UsageError } from '../usage-error.js';

interface ViewFlags {
  port?: number;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ meshparts view packs/robot            # one pack: its parts and the whole model in 3D
  $ meshparts view out/demo --port 8080   # a run's output: every pack, each linking to its page
  $ meshparts view out/demo --json        # {"url":"http://127.0.0.1:…/index.html",...} once serving

Serves the folder on 127.0.0.1 only (never on the network), GET and HEAD only, nothing outside the
folder (no "..", no symlink that leads out, no hidden files). Ctrl-C or SIGTERM stops it (exit 0).
Exit code 2: the folder is not a pack or a run's output, or the port is taken or invalid.`;

/** --port: a TCP port number, 0 for a free one. */
function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 65535) {
    throw new InvalidArgumentError('--port must be a whole number from 0 to 65535 (0: a free port)');
  }
  return n;
}

/** `meshparts view <dir> [--port N]`: serve a pack's or a run's gallery on loopback until stopped. */
export function register(program: Command): void {
  program
    .command('view')
    .description("serve a pack's or a run's gallery (index.html) on 127.0.0.1 until Ctrl-C")
    .argument('<dir>', 'a pack folder or a run output folder')
    .option('--port <n>', 'port to listen on (default 0: a free port)', portNumber)
    .option('--json', 'print {"url","dir","kind","port"} as one line of JSON on stdout once serving')
    .option('-q, --quiet', 'print only the URL')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, flags: ViewFlags) => {
      process.exitCode = await viewCommand(dir, flags, Boolean(program.opts().debug));
    });
}

async function viewCommand(dir: string, flags: ViewFlags, debug: boolean): Promise<number> {
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
      ...(debug
        ? { onRequest: (method, target, status) => process.stderr.write(`${status} ${method} ${target}\n`) }
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
  const url = `${server.origin}index.html`;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ url, dir: root, kind: served.kind, port: server.port })}\n`);
  } else if (flags.quiet) {
    process.stdout.write(`${url}\n`);
  } else {
    process.stdout.write(`serving ${served.summary} from ${shortPath(root)}\n${url}\npress Ctrl-C to stop\n`);
  }
  const signal = await stopped;
  await server.close();
  if (!flags.json && !flags.quiet) process.stderr.write(`stopped (${signal})\n`);
  return EXIT.ok;
}
