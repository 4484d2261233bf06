import type { ChildProcess } from 'node:child_process';
import { type CliResult, collect, spawnCli } from './cli.js';

/** A running `meshparts view`. */
export interface RunningView {
  child: ChildProcess;
  /** The URL of the page it printed (index.html, or a run's meshparts-gallery.html). */
  url: string;
  /** What it printed on stdout so far. */
  stdout: () => string;
  /** Resolves when the process ends. */
  done: Promise<CliResult>;
}

const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/[\w.-]+\.html/;

/** Spawns the built `meshparts view ...args` and waits until it prints the page's URL. */
export async function startView(args: readonly string[]): Promise<RunningView> {
  const child = spawnCli(['view', ...args]);
  const done = collect(child, 15 * 60_000);
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = URL_PATTERN.exec(printed);
      if (match) resolve(match[0]);
    });
    child.on('close', (code) =>
      reject(new Error(`meshparts view exited (${code}) before its URL: ${printed}`)),
    );
  });
  return { child, url, stdout: () => printed, done };
}
