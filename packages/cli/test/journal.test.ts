import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, journalPath, parseJournal, readJournal } from '../src/pipeline/journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshparts-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = 'a'.repeat(64);

describe('Journal', () => {
  it('appends one JSON line per state change and replays the latest state', async () => {
    const journal = await Journal.open(dir);
    await journal.append({
      sha256: sha,
      file: 'a.glb',
      state: 'submitted',
      segmenter: 'tripo',
      taskId: 't1',
    });
    await journal.append({ sha256: sha, file: 'a.glb', state: 'finished', segmenter: 'tripo', taskId: 't1' });
    await journal.close();

    const lines = (await readFile(journalPath(dir), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ sha256: sha, state: 'submitted', taskId: 't1' });

    const history = await readJournal(dir);
    expect(history.latest(sha, 'tripo')).toMatchObject({ state: 'finished', taskId: 't1' });
    expect(history.latest(sha, 'local')).toBeUndefined();
  });

  it('serialises concurrent appends without interleaving bytes', async () => {
    const journal = await Journal.open(dir);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        journal.append({
          sha256: String(i).padStart(64, '0'),
          file: `${i}.glb`,
          state: 'submitted',
          segmenter: 'tripo',
          taskId: `t${i}`,
        }),
      ),
    );
    await journal.close();
    const entries = parseJournal(await readFile(journalPath(dir), 'utf8'));
    expect(entries).toHaveLength(50);
    expect(new Set(entries.map((e) => e.taskId)).size).toBe(50);
  });

  it('tolerates a torn last line and starts the next entry on a fresh line', async () => {
    const first = await Journal.open(dir);
    await first.append({ sha256: sha, file: 'a.glb', state: 'submitted', segmenter: 'tripo', taskId: 't1' });
    await first.close();
    // A crash in the middle of the second write.
    await appendFile(journalPath(dir), '{"sha256":"bbbb","file":"b.glb","sta');

    const second = await Journal.open(dir);
    expect(second.history.latest(sha, 'tripo')?.taskId).toBe('t1');
    await second.append({
      sha256: sha,
      file: 'a.glb',
      state: 'downloaded',
      segmenter: 'tripo',
      taskId: 't1',
    });
    await second.close();

    const history = await readJournal(dir);
    expect(history.latest(sha, 'tripo')?.state).toBe('downloaded');
    const text = await readFile(journalPath(dir), 'utf8');
    expect(parseJournal(text)).toHaveLength(2);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('remembers the split settings of the last pack per pack folder', async () => {
    const journal = await Journal.open(dir);
    await journal.append({
      sha256: sha,
      file: 'a.glb',
      state: 'packed',
      segmenter: 'local',
      pack: 'a',
      splitKey: 'k1',
    });
    await journal.append({
      sha256: sha,
      file: 'a.glb',
      state: 'packed',
      segmenter: 'local',
      pack: 'a',
      splitKey: 'k2',
    });
    await journal.close();
    const history = await readJournal(dir);
    expect(history.packedSplitKey(sha, 'local', 'a')).toBe('k2');
    expect(history.packedSplitKey(sha, 'tripo', 'a')).toBeUndefined();
  });

  it('reads a missing journal as empty without creating it', async () => {
    const history = await readJournal(join(dir, 'nothing-here'));
    expect(history.latest(sha, 'tripo')).toBeUndefined();
    await expect(readFile(journalPath(join(dir, 'nothing-here')))).rejects.toThrow(/ENOENT/);
  });

  it('skips lines that are not journal entries', async () => {
    await mkdir(join(dir, '.meshparts'));
    await writeFile(journalPath(dir), 'null\n[1,2]\n{"sha256":"x"}\n');
    expect(parseJournal(await readFile(journalPath(dir), 'utf8'))).toEqual([]);
  });

  it('creates nothing until the first append, which creates .meshparts/ and the file', async () => {
    const out = join(dir, 'out');
    await mkdir(out);
    const journal = await Journal.open(out);
    expect(await readdir(out)).toEqual([]);
    await journal.close();
    expect(await readdir(out)).toEqual([]);

    const again = await Journal.open(out);
    await again.append({ sha256: sha, file: 'a.glb', state: 'segmented', segmenter: 'local' });
    expect(parseJournal(await readFile(journalPath(out), 'utf8'))).toHaveLength(1);
    await again.close();
    expect(await readdir(join(out, '.meshparts'))).toEqual(['journal.jsonl']);
  });

  it('leaves a torn journal as it is when nothing is appended', async () => {
    const first = await Journal.open(dir);
    await first.append({ sha256: sha, file: 'a.glb', state: 'submitted', segmenter: 'tripo', taskId: 't1' });
    await first.close();
    await appendFile(journalPath(dir), '{"sha256":"torn');
    const text = await readFile(journalPath(dir), 'utf8');
    const second = await Journal.open(dir);
    expect(second.history.latest(sha, 'tripo')?.taskId).toBe('t1');
    await second.close();
    expect(await readFile(journalPath(dir), 'utf8')).toBe(text);
  });
});
