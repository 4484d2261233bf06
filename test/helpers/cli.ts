import { execFile, spawn } from 'node:child_process';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, ROOT } from './paths.js';

const execFileAsync = promisify(execFile);

/**
 * Builds the packages once for every test file that spawns the `meshparts` bin. Test files run in
 * parallel processes, so the build takes a lock file (create-exclusive) and the others wait for it;
 * `tsc -b` is incremental, so a build on an up-to-date tree costs a second.
 */
export async function ensureBuilt(): Promise<void> {
  // Inside dist/ (git-ignored), so a lock left by a killed test run never shows up as a change.
  const lock = join(ROOT, 'packages', 'cli', 'dist', '.e2e-build.lock');
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        // A lock older than two minutes belongs to a test run that died.
        if (Date.now() - (await stat(lock)).mtimeMs > 120_000) await rm(lock, { force: true });
      } catch {}
    }
  }
  try {
    await execFileAsync('pnpm', ['build'], { cwd: ROOT });
  } finally {
    await rm(lock, { force: true });
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Environment for a spawned CLI: the caller's PATH and HOME pointing at an empty config folder, so a
 * developer's own key or config file can never leak into (or change) a test.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: join(ROOT, 'packages', 'cli', '.no-home'),
    XDG_CONFIG_HOME: join(ROOT, 'packages', 'cli', '.no-home'),
    ...extra,
  };
}

/** Runs `node packages/cli/dist/bin.js ...args` and collects its output. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  return collect(child, options.timeoutMs ?? 60_000);
}

export function spawnCli(args: readonly string[], options: CliOptions = {}) {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ReturnType<typeof spawn>, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`meshparts did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
