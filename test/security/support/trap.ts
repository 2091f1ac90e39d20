// A trap server on loopback for the trust-boundary tests: it records every request it gets (method, URL,
// Authorization header, body) and answers with whatever the test routes say (by default 404).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TrapRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface Trap {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  requests: TrapRequest[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startTrap(): Promise<Trap> {
  const requests: TrapRequest[] = [];
  const routes = new Map<string, Route>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const path = (req.url ?? '/').split('?')[0]!;
      const route = routes.get(path);
      if (route) return route(req, res, body);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The preload that makes *.example.test resolve to 127.0.0.1 in a child process. */
export const DNS_PRELOAD = new URL('./dns-preload.mjs', import.meta.url).pathname;

/** The preload that answers rebind.example.test differently to a check and to a connect, and allows loopback only. */
export const DNS_REBIND_PRELOAD = new URL('./dns-rebind-preload.mjs', import.meta.url).pathname;
