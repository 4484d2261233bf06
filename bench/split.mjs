/**
 * Targets 1-3: whole-process split timings against the plain glTF-Transform copy of the same file.
 * Each benchmark alternates baseline / `meshparts split` CLI / bare `splitModel` processes for N
 * rounds and reports medians; ratios are median candidate over median baseline of the same run.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { generate, modelPath } from './generate/index.mjs';
import { alternate, summarize } from './lib/measure.mjs';
import { CHILDREN, CLI_BIN, OUT } from './lib/paths.mjs';
import { markdownTable, mib, ms, ratio } from './lib/table.mjs';

/**
 * The whole-process jobs for one model: baseline copy, CLI split, library split, and with `variants`
 * the library split made durable (fsync), through a Document (no byte-level split) and through the
 * general path (a Document per part and glTF-Transform's writer).
 */
function splitJobs(model, strategy, variants = false, thumbnails = true) {
  const input = modelPath(model);
  const copy = `${OUT}${model}-copy.glb`;
  const cliDir = `${OUT}${model}-cli`;
  const libDir = `${OUT}${model}-lib`;
  const strategyArgs = strategy ? ['--strategy', strategy] : [];
  // Thumbnails are measured on their own (thumbnails.mjs): targets 1-2 time the split alone.
  const previewArgs = thumbnails ? [] : ['--thumbnails', 'none'];
  return [
    {
      name: 'baseline',
      args: [`${CHILDREN}baseline-copy.mjs`, input, copy],
      before: () => rm(copy, { force: true }),
    },
    {
      name: 'cli',
      args: [CLI_BIN, 'split', input, '-o', cliDir, ...strategyArgs, ...previewArgs],
      before: () => rm(cliDir, { recursive: true, force: true }),
    },
    {
      name: 'splitModel',
      args: [`${CHILDREN}split-model.mjs`, input, libDir, ...(strategy ? [strategy] : []), ...previewArgs],
      before: () => rm(libDir, { recursive: true, force: true }),
    },
    ...(variants
      ? ['durable', 'document', 'general'].map((variant) => ({
          name: `splitModel --${variant}`,
          args: [
            `${CHILDREN}split-model.mjs`,
            input,
            `${libDir}-${variant}`,
            ...(strategy ? [strategy] : []),
            `--${variant}`,
            ...previewArgs,
          ],
          before: () => rm(`${libDir}-${variant}`, { recursive: true, force: true }),
        }))
      : []),
  ];
}

/** Runs one model's jobs and returns summaries keyed by job name. */
async function measureModel(model, strategy, options, variants = false, extraJobs = [], thumbnails = true) {
  await generate([model], { log: options.log });
  // The baseline writes its copy straight into OUT: on a fresh checkout nothing has made it yet.
  await mkdir(OUT, { recursive: true });
  options.log(`${model}:`);
  const jobs = [...splitJobs(model, strategy, variants, thumbnails), ...extraJobs];
  const samples = await alternate(jobs, options);
  // Outputs are as big as the model, and JSON under the repository would be linted: remove them.
  for (const job of jobs) await job.before();
  return Object.fromEntries([...samples].map(([name, list]) => [name, summarize(name, list)]));
}

/** Rows for one model: baseline, then each candidate with its ratios to the baseline. */
function rows(label, result, limit) {
  const base = result.baseline;
  return Object.keys(result).map((name) => {
    const s = result[name];
    const time = s.wallMs / base.wallMs;
    const memory = s.maxRssMiB / base.maxRssMiB;
    const verdict =
      name === 'baseline' || name.includes('--')
        ? ''
        : name.includes('(not the target)')
          ? ''
          : time <= limit.time && (!limit.memory || memory <= limit.memory)
            ? 'met'
            : 'not met';
    return [
      label,
      name,
      ms(s.wallMs),
      `${ms(s.minWallMs)}–${ms(s.maxWallMs)}`,
      mib(s.maxRssMiB),
      name === 'baseline' ? '' : ratio(time),
      name === 'baseline' ? '' : ratio(memory),
      s.load1.toFixed(2),
      verdict,
    ];
  });
}

const HEADER = [
  'model',
  'process',
  'median wall',
  'range',
  'median peak RSS',
  'time / baseline',
  'RSS / baseline',
  'load avg',
  'target',
];

/**
 * What no split of `model` into `parts` files can go below, as a job beside the split (not a target):
 * read the model whole and write its bytes as that many new files, with no glTF at all
 * (children/write-files.mjs). The baseline writes the same bytes as one file.
 */
async function floorJob(model, parts, options) {
  await generate([model], { log: options.log });
  const dir = `${OUT}${model}-floor`;
  const totalBytes = (await stat(modelPath(model))).size;
  return {
    name: `floor: read, ${parts} files (not the target)`,
    args: [`${CHILDREN}write-files.mjs`, dir, String(parts), String(totalBytes), '--read', modelPath(model)],
    before: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Target 1: 500 mesh nodes, 51 MB. Issue 17: at most 0.35x the baseline's time and 0.5x its peak
 * memory (it was 1.2x and 1x).
 */
export async function benchNodes(options) {
  const floor = await floorJob('nodes-500', 500, options);
  const result = await measureModel('nodes-500', undefined, options, true, [floor], false);
  return {
    result,
    markdown: markdownTable(HEADER, rows('nodes-500 (51 MB)', result, { time: 0.35, memory: 0.5 })),
  };
}

/**
 * Target 2: one 2M-triangle primitive, 200 interleaved `_PART_ID` labels. Issue 17: at most 0.6x the
 * baseline's time and 0.5x its peak memory (it was 1.5x).
 */
export async function benchLabels(options) {
  const floor = await floorJob('labels-2m', 200, options);
  const result = await measureModel('labels-2m', 'attribute', options, true, [floor], false);
  return {
    result,
    markdown: markdownTable(HEADER, rows('labels-2m (53 MB)', result, { time: 0.6, memory: 0.5 })),
  };
}

/**
 * Target 7 (issue 13): a 1M-triangle mesh coloured the way trimesh writes face colours on merged
 * vertices (7 part colours, blends at every boundary), split by `auto` (colours), at most 2× the
 * baseline's time.
 */
export async function benchBlended(options) {
  // Like targets 1-2, the split alone (thumbnails are measured on their own, thumbnails.mjs); what
  // they add to this model is the extra job.
  const input = modelPath('blended-1m');
  const withThumbnails = `${OUT}blended-1m-thumbnails`;
  const thumbnails = {
    name: 'splitModel, thumbnails on (not the target)',
    args: [`${CHILDREN}split-model.mjs`, input, withThumbnails],
    before: () => rm(withThumbnails, { recursive: true, force: true }),
  };
  const result = await measureModel('blended-1m', undefined, options, false, [thumbnails], false);
  return { result, markdown: markdownTable(HEADER, rows('blended-1m (20 MB)', result, { time: 2 })) };
}

/** Target 3: the same total size in 10 to 5000 parts; time per part count, relative to its baseline (`--thumbnails none`). */
export async function benchScaling(options) {
  const table = [];
  for (const parts of [10, 100, 1000, 5000]) {
    const model = `scaling-${parts}`;
    // The file-system floor: as many files, as many bytes, no glTF (children/write-files.mjs).
    const filesDir = `${OUT}${model}-files`;
    await generate([model], { log: options.log });
    const totalBytes = (await stat(modelPath(model))).size;
    const files = {
      name: 'files',
      args: [`${CHILDREN}write-files.mjs`, filesDir, String(parts), String(totalBytes)],
      before: () => rm(filesDir, { recursive: true, force: true }),
    };
    // The split alone, as targets 1-2 (the table was measured so before thumbnails were a default;
    // with them, 10 parts of 3.3 MB cost ~0.4 s more: thumbnails.mjs measures what they add).
    const result = await measureModel(model, undefined, options, false, [files], false);
    const base = result.baseline;
    const cli = result.cli;
    const lib = result.splitModel;
    const floor = result.files;
    table.push([
      String(parts),
      ms(base.wallMs),
      mib(base.maxRssMiB),
      ms(cli.wallMs),
      ratio(cli.wallMs / base.wallMs),
      ms(lib.wallMs),
      ratio(lib.wallMs / base.wallMs),
      `${((lib.wallMs - base.wallMs) / parts).toFixed(2)} ms`,
      ms(floor.wallMs),
      `${(floor.wallMs / parts).toFixed(2)} ms`,
      mib(cli.maxRssMiB),
      base.load1.toFixed(2),
    ]);
  }
  return {
    markdown: markdownTable(
      [
        'parts',
        'baseline',
        'baseline peak RSS',
        'cli split',
        'cli / baseline',
        'splitModel',
        'splitModel / baseline',
        '(splitModel − baseline) / parts',
        'files alone',
        'files alone / parts',
        'cli peak RSS',
        'load avg',
      ],
      table,
    ),
  };
}
