import { type FileHandle, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDir } from './fs-atomic.js';

/**
 * The run journal: `<outDir>/.meshparts/journal.jsonl`, append-only, one JSON line per state change,
 * each fsync'd before the pipeline goes on. It is what makes a rerun after a crash, kill -9 or network
 * loss resume paid tasks instead of paying again.
 *
 * States, in the order a model goes through them:
 * - `submitting`: the intent record, written right before the paid upload leaves (after the rate
 *   limiter let it go): the model's hash and the time. If nothing follows it (kill -9 during the
 *   upload or before the answer is written down, a disk that filled up in between), the submission's
 *   outcome is unknown, and the model is not submitted again without `--resubmit-unknown`.
 * - `submitted`: a task exists and has been paid for (`taskId` set). Written before any waiting.
 * - `unpaid`: the submission announced by `submitting` created no task: it never left (cancelled
 *   before its upload began, refused locally) or the API refused it (`reason` says why).
 * - `unknown`: the POST may have created a task but no task id came back. Never resubmitted by default.
 * - `finished`: the task finished upstream; its result can be downloaded (until it expires).
 * - `downloaded`: the segmented GLB is in the cache (`cacheFile`, `cacheSha256`).
 * - `segmented`: the local segmenter's result is in the cache (`cacheFile`, `cacheSha256`), with how it
 *   cut the model (`strategy`, `reason`: what a pack split from that entry records as its source's;
 *   absent from the lines of older meshparts, whose packs keep recording the split's own plan).
 * - `packed`: the pack is written (`splitKey` says which split options made it).
 * - `failed`: the task failed upstream, its result expired, or the API no longer knows it
 *   (`reason`: `task-failed`, `expired`, `gone`).
 *
 * Lines are keyed by the input's sha256, so renaming or moving a model does not lose its task.
 * The journal never holds the API key: entries carry only hashes, file paths, task ids and states.
 * Replay tolerates a torn last line (a crash in the middle of a write): it is ignored, and the next
 * append starts on a fresh line.
 */

export type JournalState =
  | 'submitting'
  | 'submitted'
  | 'unpaid'
  | 'unknown'
  | 'finished'
  | 'downloaded'
  | 'segmented'
  | 'packed'
  | 'failed';

export interface JournalEntry {
  /** sha256 of the input model file. */
  sha256: string;
  /** The input path as given to the run (informational). */
  file: string;
  state: JournalState;
  /** Which segmenter the entry belongs to. */
  segmenter: 'tripo' | 'local';
  taskId?: string;
  /**
   * For `failed`: `task-failed`, `expired` or `gone`; for `unknown` and `unpaid`: why; for
   * `segmented`: the local segmenter's sentence (what it found and did).
   */
  reason?: string;
  /** For `segmented`: the strategy the local segmenter cut the model by (`shape`, `colors`, `nodes`, ...). */
  strategy?: string;
  /** For `downloaded` and `segmented`: the cache entry's file name (in `.meshparts/cache/`). */
  cacheFile?: string;
  /** For `downloaded` and `segmented`: the sha256 of that cache entry, checked before it is used. */
  cacheSha256?: string;
  /** For `packed`: the pack folder (model slug) it was written to. */
  pack?: string;
  /** For `packed`: a fingerprint of the split options that made the pack. */
  splitKey?: string;
  /** ISO-8601 time of the change. */
  at: string;
}

export const JOURNAL_DIR = '.meshparts';
export const JOURNAL_FILE = 'journal.jsonl';

/** Path of the journal of an output folder. */
export function journalPath(outDir: string): string {
  return join(outDir, JOURNAL_DIR, JOURNAL_FILE);
}

/** Parses journal text; invalid lines (a torn last line) are skipped. */
export function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isEntry(value)) entries.push(value);
    } catch {
      // A torn line from a crash mid-write: the state change it described did not complete.
    }
  }
  return entries;
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.sha256 === 'string' &&
    typeof v.state === 'string' &&
    typeof v.at === 'string' &&
    (v.segmenter === 'tripo' || v.segmenter === 'local')
  );
}

/** The replayed state of a journal: the latest entry per input and segmenter. */
export class JournalHistory {
  private readonly latestByKey = new Map<string, JournalEntry>();
  private readonly splitKeyByPack = new Map<string, string>();
  private readonly hashByCacheFile = new Map<string, string>();
  private readonly segmentationByCacheFile = new Map<string, { strategy: string; reason: string }>();

  constructor(entries: readonly JournalEntry[] = []) {
    for (const entry of entries) this.remember(entry);
  }

  /** The latest entry for an input and segmenter, if any. */
  latest(sha256: string, segmenter: 'tripo' | 'local'): JournalEntry | undefined {
    return this.latestByKey.get(`${segmenter}:${sha256}`);
  }

  /** The split options fingerprint of the last pack written for this input into this pack folder. */
  packedSplitKey(sha256: string, segmenter: 'tripo' | 'local', pack: string): string | undefined {
    return this.splitKeyByPack.get(`${segmenter}:${sha256}:${pack}`);
  }

  /** The sha256 last recorded for a cache entry (by file name), if any. */
  cacheSha256(cacheFile: string): string | undefined {
    return this.hashByCacheFile.get(cacheFile);
  }

  /**
   * How the local segmenter cut the model whose result is the cache entry `cacheFile` (the last
   * `segmented` line that wrote it), unchecked; undefined when that line has none (an older meshparts).
   */
  segmentation(cacheFile: string): { strategy: string; reason: string } | undefined {
    return this.segmentationByCacheFile.get(cacheFile);
  }

  remember(entry: JournalEntry): void {
    this.latestByKey.set(`${entry.segmenter}:${entry.sha256}`, entry);
    if (entry.state === 'packed' && entry.pack !== undefined && entry.splitKey !== undefined) {
      this.splitKeyByPack.set(`${entry.segmenter}:${entry.sha256}:${entry.pack}`, entry.splitKey);
    }
    if (typeof entry.cacheFile === 'string' && typeof entry.cacheSha256 === 'string') {
      this.hashByCacheFile.set(entry.cacheFile, entry.cacheSha256);
    }
    if (entry.state === 'segmented' && typeof entry.cacheFile === 'string') {
      // A line without them (an older meshparts rewrote the entry) must not keep an earlier record.
      if (typeof entry.strategy === 'string' && typeof entry.reason === 'string') {
        this.segmentationByCacheFile.set(entry.cacheFile, { strategy: entry.strategy, reason: entry.reason });
      } else {
        this.segmentationByCacheFile.delete(entry.cacheFile);
      }
    }
  }
}

/** Reads the journal of `outDir` without creating or locking anything (for `--dry-run`). */
export async function readJournal(outDir: string): Promise<JournalHistory> {
  try {
    return new JournalHistory(parseJournal(await readFile(journalPath(outDir), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new JournalHistory();
    throw error;
  }
}

/**
 * An open journal: the replayed history plus a durable appender. Close it when the run ends.
 *
 * Opening only reads: the file (and `.meshparts/`) is created by the first append, so a command
 * refused before doing any work (a bad key, a folder in the way, a corrupt model) leaves no journal
 * behind, and a run that did real work keeps one. The first append creates the file, fsyncs the line
 * and then the folder that holds the new entry, before it resolves: the intent record is as durable
 * as any later line.
 */
export class Journal {
  private tail: Promise<void> = Promise.resolve();
  private handle: FileHandle | undefined;

  private constructor(
    readonly path: string,
    readonly history: JournalHistory,
    /**
     * The next write starts with a newline: the file ends in a torn line (a crash mid-write), or a
     * write of this journal failed part-way (a full disk), and the next entry must not be glued to it.
     */
    private newlineFirst: boolean,
  ) {}

  /** Replays the journal of `outDir` (none yet is an empty history); creates nothing. */
  static async open(outDir: string): Promise<Journal> {
    const path = journalPath(outDir);
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const torn = text.length > 0 && !text.endsWith('\n');
    return new Journal(path, new JournalHistory(parseJournal(text)), torn);
  }

  /**
   * Appends one entry and fsyncs it (creating the file on the first one). Appends are serialised, so
   * concurrent models never interleave bytes; the promise resolves once the line is on disk.
   */
  append(entry: Omit<JournalEntry, 'at'> & { at?: string }): Promise<void> {
    const full: JournalEntry = { ...entry, at: entry.at ?? new Date().toISOString() };
    const line = `${JSON.stringify(full)}\n`;
    const write = this.tail.then(async () => {
      const handle = this.handle ?? (await this.create());
      try {
        await handle.appendFile(this.newlineFirst ? `\n${line}` : line);
        await handle.sync();
      } catch (error) {
        this.newlineFirst = true;
        throw error;
      }
      this.newlineFirst = false;
      this.history.remember(full);
    });
    // Keep the chain alive after a failed write; the caller still sees the error.
    this.tail = write.catch(() => undefined);
    return write;
  }

  /** Opens the file for appending, creating it and its folder; a new entry is made durable. */
  private async create(): Promise<FileHandle> {
    const dir = dirname(this.path);
    const madeDir = await mkdir(dir, { recursive: true });
    const isNew = await stat(this.path).then(
      () => false,
      () => true,
    );
    const handle = await open(this.path, 'a');
    try {
      if (isNew) await syncDir(dir);
      if (madeDir !== undefined) await syncDir(dirname(dir));
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
    return handle;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle?.close();
    this.handle = undefined;
  }
}
