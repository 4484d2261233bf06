/**
 * view/: what `meshparts view` needs — a static file server for one folder on 127.0.0.1
 * (static-server.ts, with the request-path rules in request-path.ts and the content types in
 * mime-types.ts) and the check that a folder is a pack or a run's output (served-folder.ts).
 */
export { contentTypeOf } from './mime-types.js';
export { parseRequestPath, type RequestPath } from './request-path.js';
export { inspectServedFolder, NotServableError, type ServedFolder } from './served-folder.js';
export {
  type StaticServer,
  type StaticServerOptions,
  startStaticServer,
  VIEW_HOST,
} from './static-server.js';
