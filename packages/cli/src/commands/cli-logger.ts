import type { ILogger } from '@meshparts/split';

/**
 * glTF-Transform's Logger writes debug and info lines with console.debug/info, i.e. to stdout, which
 * would corrupt `--json` output. The CLI logs to stderr instead: warnings and errors always, debug and
 * info lines with `--debug`.
 */
export function stderrLogger(debug: boolean): ILogger {
  const write = (level: string) => (text: string) => {
    process.stderr.write(`meshparts: ${level}: ${text}\n`);
  };
  const quiet = () => undefined;
  return {
    debug: debug ? write('debug') : quiet,
    info: debug ? write('info') : quiet,
    warn: write('warning'),
    error: write('error'),
  };
}
