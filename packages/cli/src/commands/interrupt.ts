import { safeWrite } from '../output.js';

/**
 * Runs work with an AbortSignal tied to SIGINT / SIGTERM: the first signal cancels gracefully (paid
 * task ids are already in the journal; the next run resumes them), a second one exits at once.
 * `after` ends the line printed on the first signal: what the user can do next.
 * The handlers are removed when the work ends, so nothing lingers in a long-lived process.
 */
export async function withInterrupt<T>(
  work: (signal: AbortSignal) => Promise<T>,
  after = 'rerun the same command to resume',
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    safeWrite(process.stderr, `\nmeshparts: ${name}: stopping (press Ctrl-C again to quit now); ${after}\n`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
