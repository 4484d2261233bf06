import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, parseJournal } from '../packages/cli/src/index.js';
import type { Emulator } from '../packages/client/src/testing/index.js';
import { cleanEnv, ensureBuilt, runCli } from './helpers/cli.js';
import { cliEnvFor, FAST_FLAGS, startTestEmulator } from './helpers/emulator.js';
import { startFakeApi } from './helpers/fake-api.js';
import { buildGlb, parseGlb } from './helpers/glb-mutations.js';
import { glbWithNodeNames } from './helpers/hostile-gltf.js';
import { BIN, FIXTURES } from './helpers/paths.js';
import { useWorkspace } from './helpers/workspace.js';

/**
 * Issue 10 "The terminal and exit codes" and issue 11 D2, D17, D18: output that fails never stops a
 * run (and the journal is written first), every bad usage or input is exit 2 with one line, untrusted
 * text never reaches the terminal raw, tables align by display width, and no Node warning shows up.
 */

const execFileAsync = promisify(execFile);
let emulator: Emulator | undefined;
const ws = useWorkspace('cli-output', ['TwoCubes.glb']);

beforeAll(ensureBuilt, 180_000);
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** `count` distinct copies of TwoCubes (an `asset.extras.variant` each: its own sha256, its own payment). */
async function distinctModels(dir: string, count: number): Promise<void> {
  const { json, bin } = parseGlb(new Uint8Array(await readFile(join(FIXTURES, 'TwoCubes.glb'))));
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const copy = { ...json, asset: { ...(json.asset as object), extras: { variant: i } } };
    await writeFile(join(dir, `m${String(i).padStart(2, '0')}.glb`), buildGlb(JSON.stringify(copy), bin));
  }
}

/** Runs a shell line with the built bin as `$M`, as the probe did (`... 2>&1 | head -3`). */
async function shell(line: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync('bash', ['-c', line], {
    env: cleanEnv({ ...env, M: `${process.execPath} ${BIN}` }),
    timeout: 90_000,
  });
}

/** The escape character (ESC) and the other C0 controls that may not reach a terminal, except \n. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe('output that fails never stops a run (D2)', () => {
  it('`run ... 2>&1 | head -3`: the run goes on to the end, and the rerun pays nothing new', async () => {
    emulator = await startTestEmulator();
    await distinctModels(ws.inputs, 6);
    const env = cliEnvFor(emulator);
    const { stdout } = await shell(
      `$M run "${ws.inputs}" -o "${ws.out}" ${FAST_FLAGS.join(' ')} 2>&1 | head -3; echo "exit=\${PIPESTATUS[0]}"`,
      env,
    );
    expect(stdout.trim().split('\n')).toHaveLength(4);
    expect(stdout.trim()).toMatch(/exit=0$/);
    const journal = parseJournal(await readFile(journalPath(ws.out), 'utf8'));
    expect(journal.filter((e) => e.state === 'packed')).toHaveLength(7);
    const rerun = await runCli(['run', ws.inputs, '-o', ws.out, '--json', ...FAST_FLAGS], { env });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout).spentCredits).toBe(0);
    for (const count of Object.values(emulator.stats().submissionsByHash)) expect(count).toBe(1);
  }, 120_000);

  it('`--json > /dev/full` and `inspect > /dev/full`: no crash, no stack trace, the work is done, exit 1 for the lost output', async () => {
    emulator = await startTestEmulator();
    const env = cliEnvFor(emulator);
    const run = await shell(
      `$M run "${ws.inputs}" -o "${ws.out}" --json ${FAST_FLAGS.join(' ')} > /dev/full; echo "exit=$?"`,
      env,
    );
    // The JSON asked for is lost: the command failed (exit 1, one line), though the work was done.
    expect(run.stdout.trim()).toBe('exit=1');
    expect(run.stderr).toMatch(/^meshparts: could not write to standard output \(ENOSPC\)/m);
    expect(run.stderr).not.toMatch(/at \S+ \(|Error:/);
    expect(parseJournal(await readFile(journalPath(ws.out), 'utf8')).at(-1)?.state).toBe('packed');
    const inspect = await shell(
      `$M inspect "${join(FIXTURES, 'TwoCubes.glb')}" > /dev/full; echo "exit=$?"`,
      {},
    );
    expect(inspect.stdout.trim()).toBe('exit=1');
    expect(inspect.stderr).toMatch(/^meshparts: could not write to standard output \(ENOSPC\): [^\n]*\n$/);
    // A closed stderr from the start (2>&-) does not stop it either.
    const closed = await shell(
      `$M run "${ws.inputs}" -o "${join(ws.dir, 'o2')}" --segmenter local 2>&-; echo "exit=$?"`,
      {},
    );
    expect(closed.stdout.trim()).toBe('exit=0');
  }, 120_000);
});

describe('untrusted text never reaches the terminal raw (D18)', () => {
  it('a hostile model file name, in the progress lines and the summary', async () => {
    const hostile = join(ws.inputs, '\u001b[2J\u001b[31mFAKE\u001b[0m\nx.glb');
    await writeFile(hostile, await readFile(join(FIXTURES, 'TwoCubes.glb')));
    const result = await runCli(['run', ws.inputs, '-o', ws.out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stderr).toContain('\\u{1b}[2J\\u{1b}[31mFAKE');
    // The newline in the name does not start a line of its own.
    expect(result.stderr.split('\n').some((line) => line.startsWith('x.glb'))).toBe(false);
  });

  it('hostile task ids and failure reasons from a server, in every line printed', async () => {
    const api = await startFakeApi({
      taskId: () => 'abc\u001b[2J\ndef',
      status: { kind: 'failed', reason: () => 'boom\u001b]0;pwned\u0007\nFAKE: 100 of 100 model(s) ok' },
    });
    try {
      const env = { THREEDAISTUDIO_API_KEY: 'sk-test-hostile-123456', THREEDAISTUDIO_BASE_URL: api.url };
      for (const quiet of [[], ['-q']]) {
        const result = await runCli(['run', ws.inputs, '-o', ws.out, ...quiet, ...FAST_FLAGS], { env });
        expect(result.code).toBe(1);
        expect(result.stderr).not.toMatch(RAW_CONTROL);
        expect(result.stderr.split('\n').some((line) => line.startsWith('FAKE'))).toBe(false);
        expect(result.stderr).toContain('boom\\u{1b}]0;pwned\\u{7}\\u{a}FAKE');
      }
    } finally {
      await api.close();
    }
  });
});

describe('every bad usage or input exits 2 with one line', () => {
  it.each([
    [
      'segment into an existing folder',
      (dir: string) => ['segment', join(FIXTURES, 'TwoCubes.glb'), '-o', dir],
    ],
    [
      'split into a place that cannot be written',
      () => ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', '/proc/nope'],
    ],
    ['emulate on a port that does not exist', () => ['emulate', '--port', '99999']],
    ['emulate with an empty key', () => ['emulate', '--api-key', '']],
    ['a typo in a choice', () => ['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'x', '--pivot', 'botom']],
    [
      'segment under a file',
      () => ['segment', join(FIXTURES, 'TwoCubes.glb'), '-o', join(FIXTURES, 'TwoCubes.glb', 'x.glb')],
    ],
  ])('%s', async (_name, args) => {
    const result = await runCli(args(ws.dir));
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
    expect(result.stderr).not.toMatch(/EISDIR|EEXIST|mkdtemp|at \S+ \(/);
  });

  it('says which choice was meant, and segment pays nothing before refusing a folder', async () => {
    const typo = await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', 'x', '--pivot', 'botom']);
    expect(typo.stderr).toMatch(/--pivot must be one of original, center, bottom\. Did you mean bottom\?/);
    emulator = await startTestEmulator();
    const folder = await runCli(['segment', join(FIXTURES, 'TwoCubes.glb'), '-o', ws.dir, ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
    });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is a folder: give the file to write/);
    expect(emulator.stats().requests.total).toBe(0);
  });

  it('-q works on split: nothing printed, the pack written', async () => {
    const result = await runCli(['split', join(FIXTURES, 'TwoCubes.glb'), '-o', ws.out, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
    expect(JSON.parse(await readFile(join(ws.out, 'manifest.json'), 'utf8')).parts).toHaveLength(2);
  });
});

describe('tables align by display width', () => {
  /** The display column where `word` starts, for each line that has it. */
  const columnsOf = (text: string, word: RegExp) =>
    text
      .split('\n')
      .filter((line) => word.test(line))
      .map((line) => stringWidth(line.slice(0, line.search(word))));

  it('in inspect, with CJK and emoji part names', async () => {
    const model = join(ws.dir, 'names.glb');
    await writeFile(model, glbWithNodeNames(['ロボットの腕', 'arm', '🤖head']));
    const result = await runCli(['inspect', model]);
    expect(result.code, result.stderr).toBe(0);
    // The `id` column (node0, node1, node2) starts at one display column on every row.
    const starts = columnsOf(result.stdout, /\bnode\d\b/);
    expect(starts).toHaveLength(3);
    expect(new Set(starts).size, result.stdout).toBe(1);
  });

  it('in the run summary, with a CJK model file name', async () => {
    await writeFile(join(ws.inputs, 'ロボット.glb'), await readFile(join(FIXTURES, 'TwoCubes.glb')));
    const result = await runCli(['run', ws.inputs, '-o', ws.out, '--segmenter', 'local']);
    expect(result.code, result.stderr).toBe(0);
    const starts = columnsOf(result.stderr, /\b2 {6}0 /);
    expect(starts).toHaveLength(2);
    expect(new Set(starts).size, result.stderr).toBe(1);
  });
});

describe('no Node warnings at high concurrency (D17)', () => {
  it('run --concurrency 12 against the API prints no MaxListenersExceededWarning', async () => {
    emulator = await startTestEmulator();
    await distinctModels(ws.inputs, 12);
    const result = await runCli(['run', ws.inputs, '-o', ws.out, '--concurrency', '12', ...FAST_FLAGS], {
      env: cliEnvFor(emulator),
      timeoutMs: 90_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/Warning|memory leak/);
  }, 120_000);
});
