#!/usr/bin/env node
import { main } from './main.js';
import { brokenBy, guardStream, safeWrite } from './output.js';

// `meshparts ... | head` closes the pipe early, `> /dev/full` fills the disk: write errors on the
// standard streams must never crash a run that may have paid for tasks (output.ts).
guardStream(process.stdout);
guardStream(process.stderr);

const code = await main(process.argv.slice(2));
// A failed write reports its error after the write returns: let it in before deciding.
await new Promise((resolve) => setImmediate(resolve));
// A reader that went away (EPIPE: `| head`) wanted no more; any other failure (a full disk) lost what
// the command was asked to print (`--json`, `inspect`): the work is done, but the command failed, as
// `cat > /dev/full` does.
const lost = brokenBy(process.stdout);
if (code === 0 && lost !== undefined && lost !== 'EPIPE') {
  safeWrite(
    process.stderr,
    `meshparts: could not write to standard output (${lost}): the output is incomplete\n`,
  );
  process.exitCode = 1;
} else {
  process.exitCode = code;
}
