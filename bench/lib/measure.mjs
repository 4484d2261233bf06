/**
 * Whole-process measurements: each run is a fresh `node` child, timed from spawn to exit by this
 * process, with its peak resident set size read from GNU `/usr/bin/time -v` when present (it sees
 * the child's whole life, including start-up), or else reported by the child itself through a
 * preloaded module (`--import report-rss.mjs`, which writes `process.resourceUsage().maxRSS` at exit).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const REPORT_RSS = pathToFileURL(new URL('./report-rss.mjs', import.meta.url).pathname).href;

/**
 * @typedef {object} Job  One whole-process command to measure.
 * @property {string} name        label in tables
 * @property {string[]} args      arguments to `node` (script first)
 * @property {() => Promise<void>} [before]  untimed set-up run before every round (e.g. remove output)
 * @property {Record<string,string>} [env]
 * @property {number[]} [exitCodes]  exit codes that still count as a measured run (default [0])
 */

/**
 * @typedef {object} Sample
 * @property {number} wallMs
 * @property {number} maxRssKiB
 * @property {number} load1   one-minute load average when the run started
 * @property {string} stdout
 * @property {number} code    the child's exit code (one of `exitCodes`)
 */

/** Runs `node ...args` once and measures it. Rejects when the child fails (exits with a code not in `exitCodes`). */
export async function measureOnce(job) {
  if (job.before) await job.before();
  const useTime = existsSync(GNU_TIME);
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}-${Date.now()}.txt`);
  const nodeArgs = useTime ? job.args : ['--import', REPORT_RSS, ...job.args];
  const command = useTime ? GNU_TIME : process.execPath;
  const args = useTime ? ['-v', process.execPath, ...nodeArgs] : nodeArgs;
  const load1 = loadavg()[0];
  const started = process.hrtime.bigint();
  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...job.env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (exit) =>
      resolve({ code: exit, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (!(job.exitCodes ?? [0]).includes(code)) {
    throw new Error(`${job.name} exited with ${code}:\n${stderr.slice(-2000)}`);
  }
  let maxRssKiB;
  if (useTime) {
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    if (!match) throw new Error(`${job.name}: no peak RSS in /usr/bin/time output`);
    maxRssKiB = Number(match[1]);
  } else {
    maxRssKiB = Number(await readFile(rssFile, 'utf8'));
    await rm(rssFile, { force: true });
  }
  return { wallMs, maxRssKiB, load1, stdout, code };
}

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every job once per round, alternating them (baseline, candidate, baseline, ...; the order
 * rotates each round so neither always runs on a warmer machine), after one untimed warm-up round
 * that fills the page cache. Returns the samples per job name.
 * @param {Job[]} jobs
 * @param {{ rounds: number, warmup?: boolean, log?: (line: string) => void }} options
 * @returns {Promise<Map<string, Sample[]>>}
 */
export async function alternate(jobs, { rounds, warmup = true, log = () => {} }) {
  const samples = new Map(jobs.map((job) => [job.name, []]));
  if (warmup) for (const job of jobs) await measureOnce(job);
  for (let round = 0; round < rounds; round++) {
    const order = jobs.map((_, i) => jobs[(i + round) % jobs.length]);
    for (const job of order) {
      const sample = await measureOnce(job);
      samples.get(job.name).push(sample);
      log(
        `  round ${round + 1}/${rounds} ${job.name}: ${sample.wallMs.toFixed(0)} ms, ${(sample.maxRssKiB / 1024).toFixed(0)} MiB, load ${sample.load1.toFixed(2)}`,
      );
    }
  }
  return samples;
}

/**
 * @typedef {object} Summary
 * @property {string} name
 * @property {number} wallMs     median wall time
 * @property {number} maxRssMiB  median peak RSS
 * @property {number} minWallMs
 * @property {number} maxWallMs
 * @property {number} load1      median load average at start
 * @property {number} runs
 */

/** Medians of a job's samples. */
export function summarize(name, list) {
  return {
    name,
    wallMs: median(list.map((s) => s.wallMs)),
    maxRssMiB: median(list.map((s) => s.maxRssKiB)) / 1024,
    minWallMs: Math.min(...list.map((s) => s.wallMs)),
    maxWallMs: Math.max(...list.map((s) => s.wallMs)),
    load1: median(list.map((s) => s.load1)),
    runs: list.length,
  };
}
