import { basename, dirname, resolve } from 'node:path';
// From the split-model entry, which `meshparts split` loads anyway (not the heavier pack entry).
import { readPackOwner } from '@meshparts/split/split-model';
import { readCatalog } from './catalog.js';
import { PipelineUsageError } from './errors.js';

/**
 * What `meshparts split -o <dir>` checks of its target before it reads the model:
 *
 * - A pack that a run's catalog lists (`<dir>` is `<run output>/<slug>`) is refused (exit 2): the run
 *   owns it, and its `catalog.json` and page would go on describing the old model (the newcomer's
 *   trial split TwoCubes into a run's `Fox/`: the run page showed a "Fox" card of two cubes). The
 *   message says how to change that pack: `meshparts run` again, which re-splits when its options
 *   change.
 * - A pack of another model file is replaced, as before (a model saved under a new name into its old
 *   pack is a normal workflow), but the returned note says so, for a warning once the split is done:
 *   replacing a pack by mistake is then seen.
 *
 * A catalog that is not meshparts' (a user's `catalog.json` beside the pack) is no run's: not a reason
 * to refuse.
 */
export async function checkSplitTarget(out: string, modelFile: string): Promise<string | undefined> {
  const owner = await readPackOwner(out);
  if (owner.kind !== 'pack') return undefined;
  const target = resolve(out);
  const runDir = dirname(target);
  const listed = await readCatalog(runDir).then(
    (entries) => entries.find((entry) => entry.pack === basename(target)),
    () => undefined,
  );
  if (listed) {
    throw new PipelineUsageError(
      `${out} is the pack of ${listed.model} in the run output ${runDir} (its catalog.json lists it); a split there would leave that run's catalog and page describing another model; nothing was done: run \`meshparts run\` again to re-split it (it does when the options change), or split into another folder`,
    );
  }
  const previous = owner.manifest.source.file;
  return previous === basename(modelFile)
    ? undefined
    : `${out} held the pack of ${previous}; it now holds the pack of ${basename(modelFile)}`;
}
