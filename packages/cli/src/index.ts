/** meshparts — the pipeline that chains @meshparts/client and @meshparts/split. */
export { VERSION } from './version.js';
