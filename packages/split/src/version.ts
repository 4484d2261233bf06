import { createRequire } from 'node:module';

// Read from package.json at run time so the version has one source of truth (works from src and dist).
const require = createRequire(import.meta.url);
const pkg = require('../package.json') as { version: string };

/** Version of @meshparts/split. */
export const SPLIT_VERSION: string = pkg.version;
/** Default `generator` of manifests. */
export const DEFAULT_GENERATOR = `meshparts@${SPLIT_VERSION}`;
