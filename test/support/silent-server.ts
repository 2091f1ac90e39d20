import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * For a file or a describe: a loopback HTTP server that takes every request and never answers, for time limits.
 * `set` receives its origin (http://127.0.0.1:port); it is closed, with any connection still open, after the tests.
 */
export function useSilentServer(set: (origin: string) => void): void {
  let silent: Server | undefined;
  beforeAll(async () => {
    const server = createServer(() => undefined);
    silent = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    set(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    if (!silent) return;
    silent.closeAllConnections();
    await new Promise((resolve) => silent?.close(resolve));
  });
}
