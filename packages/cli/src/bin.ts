#!/usr/bin/env node
import { main } from './main.js';
import { guardStream } from './output.js';

// `meshparts ... | head` closes the pipe early, `> /dev/full` fills the disk: write errors on the
// standard streams must never crash a run that may have paid for tasks (output.ts).
guardStream(process.stdout);
guardStream(process.stderr);

process.exitCode = await main(process.argv.slice(2));
