import { createRequire } from 'node:module';

// Read from package.json at run time, as the other packages do: one source of truth for the version.
const require = createRequire(import.meta.url);

/** Sent in the User-Agent header. */
export const CLIENT_VERSION: string = (require('../package.json') as { version: string }).version;
