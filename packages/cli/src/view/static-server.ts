import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentTypeOf } from './mime-types.js';
import { parseRequestPath } from './request-path.js';

/** The only address the server listens on: the gallery is for this machine's browser. */
export const VIEW_HOST = '127.0.0.1';

export interface StaticServerOptions {
  /** The folder to serve. */
  root: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Called once per request with the method, the target and the status sent (for --debug). */
  onRequest?: (method: string, target: string, status: number) => void;
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  origin: string;
  port: number;
  /** Stops listening and ends open connections (a browser's keep-alive ones too). */
  close(): Promise<void>;
}

/** Headers on every response: no sniffing, no caching of stale packs, no use by other sites. */
const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/**
 * A static file server for one folder, on 127.0.0.1 only, GET and HEAD only. It never serves a
 * file outside the folder: request paths are checked segment by segment (see request-path.ts), and
 * the real path of what they name (symlinks resolved) must still be inside the folder's real path.
 * It also refuses requests whose Host is not this server's own address (a DNS-rebinding page on
 * another site could otherwise read the pack through the browser). No directory listings: a
 * folder answers with its index.html.
 */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = await realpath(options.root);
  let port = options.port ?? 0;
  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'internal error');
      else response.destroy();
    });
  });

  const send = (response: ServerResponse, status: number, message: string, headers = {}) => {
    const body = `${status} ${message}\n`;
    response.writeHead(status, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...headers,
    });
    response.end(body);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? '';
    const target = request.url ?? '';
    response.on('finish', () => options.onRequest?.(method, target, response.statusCode));
    if (method !== 'GET' && method !== 'HEAD') {
      send(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    if (!allowedHost(request.headers.host, port)) {
      send(response, 403, 'host not allowed');
      return;
    }
    const parsed = parseRequestPath(target);
    if (!parsed.ok) {
      send(response, parsed.status, parsed.status === 400 ? 'bad request' : 'forbidden');
      return;
    }
    const named = join(root, ...parsed.segments);
    let real: string;
    try {
      real = await realpath(named);
    } catch {
      send(response, 404, 'not found');
      return;
    }
    if (real !== root && !real.startsWith(root + sep)) {
      send(response, 403, 'forbidden');
      return;
    }
    let info = await stat(real);
    let file = real;
    if (info.isDirectory()) {
      if (!parsed.directory) {
        // Relative links in the folder's page resolve against the address: it must end in "/".
        const location = `/${parsed.segments.map((s) => encodeURIComponent(s)).join('/')}/`;
        send(response, 301, 'moved permanently', { Location: location });
        return;
      }
      try {
        file = await realpath(join(real, 'index.html'));
        info = await stat(file);
      } catch {
        send(response, 404, 'not found');
        return;
      }
      if (!file.startsWith(root + sep)) {
        send(response, 403, 'forbidden');
        return;
      }
    } else if (parsed.directory) {
      send(response, 404, 'not found');
      return;
    }
    if (!info.isFile()) {
      send(response, 404, 'not found');
      return;
    }
    response.writeHead(200, {
      ...COMMON_HEADERS,
      'Content-Type': contentTypeOf(file),
      'Content-Length': info.size,
      'Last-Modified': info.mtime.toUTCString(),
    });
    if (method === 'HEAD') {
      response.end();
      return;
    }
    await pipeline(createReadStream(file), response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, VIEW_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://${VIEW_HOST}:${port}/`,
    port,
    close: () => closeServer(server),
  };
}

/** The Host header must name this server: 127.0.0.1 or localhost, with its port. */
function allowedHost(host: string | undefined, port: number): boolean {
  return host === `${VIEW_HOST}:${port}` || host === `localhost:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
