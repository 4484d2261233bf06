import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** A listening server and the means to tear it down completely. */
export interface ListeningServer {
  server: Server;
  port: number;
  /** Stops accepting, destroys every open socket (idle keep-alive ones too) and waits for the close. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` and tracks every socket, because `server.close()` alone waits for keep-alive
 * connections and a test's `close()` must leave nothing behind.
 */
export async function listen(server: Server, host: string, port: number): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator: server has no TCP address');
  let closing: Promise<void> | undefined;
  return {
    server,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** `http://host:port` with IPv6 hosts bracketed. */
export function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
