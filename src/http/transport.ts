import type { Agent, AgentOptions, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { fetchBodySource, type CappedBodySource } from './capped-body.js';
import { proxyAgentFor } from './proxy.js';

/**
 * How the HTTP core puts a request on the wire: node:http and node:https, with one keep-alive pool per protocol and
 * the proxy agent of ./proxy.ts where HTTPS_PROXY / HTTP_PROXY say so. Not fetch: its first call loads undici (about
 * 20 ms) and compiles undici's WebAssembly HTTP parser (about 25 MB), a cost a command making a handful of requests
 * never gets back; node:http parses with Node's native llhttp. A FetchLike given in the options (tests, an SDK's
 * own fetch) is adapted to the same shape.
 */
export interface HeaderReader {
  get(name: string): string | null;
  has(name: string): boolean;
  entries(): IterableIterator<[string, string]>;
}

export interface TransportRequest {
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  signal: AbortSignal;
}

/** The body is read (capped) by ./capped-body.ts. */
export interface TransportResponse extends CappedBodySource {
  status: number;
  headers: HeaderReader;
}

export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A response's headers as fetch's Headers reads them: names case-insensitive, repeated values joined by ", ". */
export class ResponseHeaders implements HeaderReader {
  private readonly values = new Map<string, string>();

  constructor(headers: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.values.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  entries(): IterableIterator<[string, string]> {
    return this.values.entries();
  }
}

/**
 * One keep-alive pool per protocol. A connection idle for longer than the server said it keeps one (its Keep-Alive
 * hint, less a second) or than 4 s (undici's default) is closed rather than reused: the server may have closed it,
 * and a request sent on it would fail (Node's http docs, request.reusedSocket). The timers that would close it may
 * not have run yet when the event loop was busy, so the age is checked when the next request goes out. The pools are
 * first-in first-out, so the connections closed here are the ones Node's agent skips at the front.
 */
const pools: Partial<Record<'http:' | 'https:', Agent>> = {};
const DEFAULT_IDLE_LIMIT_MS = 4_000;
const idleLimitMs = new WeakMap<Socket, number>();
const freedAt = new WeakMap<Socket, number>();

function pool(makeAgent: (options: AgentOptions) => Agent, protocol: 'http:' | 'https:'): Agent {
  let agent = pools[protocol];
  if (!agent) {
    agent = pools[protocol] = makeAgent({ keepAlive: true, scheduling: 'fifo' });
    agent.on('free', (socket: Socket) => freedAt.set(socket, Date.now()));
  }
  const now = Date.now();
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) {
      const idleMs = now - (freedAt.get(socket) ?? now);
      if (idleMs >= (idleLimitMs.get(socket) ?? DEFAULT_IDLE_LIMIT_MS)) socket.destroy();
    }
  }
  return agent;
}

function rememberIdleLimit(response: IncomingMessage): void {
  const hintSeconds = /^timeout=(\d+)/.exec(String(response.headers['keep-alive'] ?? ''))?.[1];
  const limit =
    hintSeconds === undefined
      ? DEFAULT_IDLE_LIMIT_MS
      : Math.min(DEFAULT_IDLE_LIMIT_MS, Number(hintSeconds) * 1000 - 1000);
  idleLimitMs.set(response.socket, limit);
}

/** The node:http(s) transport; requests go through a proxy where `env` sets one and NO_PROXY does not exempt. */
export function nodeTransport(env: NodeJS.ProcessEnv): Transport {
  return async (url, request) => {
    const target = new URL(url);
    const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
    // Loaded here, not at start-up (a command that makes no request never pays for them), and synchronously: import()
    // of a built-in goes through the ES module loader and puts the request off by several turns of the event loop.
    const library = process.getBuiltinModule(protocol === 'https:' ? 'node:https' : 'node:http');
    const proxyAgent = await proxyAgentFor(target, env);
    const agent = proxyAgent ?? pool((options) => new library.Agent(options), protocol);
    const headers = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    return new Promise((resolve, reject) => {
      const outgoing = library.request(target, { method: request.method, headers, agent, signal: request.signal });
      outgoing.once('error', reject);
      outgoing.once('response', (response: IncomingMessage) => {
        rememberIdleLimit(response);
        resolve({
          status: response.statusCode ?? 0,
          headers: new ResponseHeaders(response.headers),
          body: response,
          discard: () => response.destroy(),
        });
      });
      outgoing.end(request.body);
    });
  };
}

/** A fetch function as a transport; redirects are never followed. */
export function fetchTransport(fetchFn: FetchLike): Transport {
  return async (url, request) => {
    const response = await fetchFn(url, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      signal: request.signal,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    return { status: response.status, ...fetchBodySource(response) };
  };
}
