// An HTTP request that connects to the address the caller checked, not to whatever DNS answers next. fetch
// resolves the name again when it connects, so a name that answered a public address for the check and a loopback
// or metadata address a moment later (DNS rebinding, a zero TTL) would reach the function's own network. Here the
// socket's lookup returns only the vetted address, while the URL keeps the name: the Host header, TLS SNI and the
// certificate check all use the name. The answer is a standard Response, so callers read it as they read fetch's.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { VettedAddress } from './addresses.js';

export interface PinnedInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
  signal: AbortSignal;
}

// Pooled connections: every socket in a pool was opened to an address vetted for its host name.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** Statuses whose response has no body (a Response refuses one). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/** Answers only the vetted addresses: all of them when asked for all (happy eyeballs tries each), else the first. */
function pinnedLookup(pins: readonly VettedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const first = pins[0];
    if (!first) callback(Object.assign(new Error('no vetted address'), { code: 'ENOTFOUND' }), '', 4);
    else if (options.all) (callback as unknown as (e: null, a: readonly VettedAddress[]) => void)(null, pins);
    else callback(null, first.address, first.family);
  };
}

/**
 * Sends the request to the vetted addresses `pins` (or, with none, where the system resolves the name: loopback
 * spelled as such under the test switch). Redirects are never followed; the body is sent with its length; no compression is asked for.
 */
export function pinnedFetch(url: URL, init: PinnedInit, pins: readonly VettedAddress[] | undefined): Promise<Response> {
  const https = url.protocol === 'https:';
  const headers: Record<string, string> = { ...init.headers, 'accept-encoding': 'identity' };
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  if (body) headers['content-length'] = String(body.byteLength);
  return new Promise<Response>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: init.method,
        headers,
        signal: init.signal,
        agent: https ? agents.https : agents.http,
        ...(pins ? { lookup: pinnedLookup(pins) } : {}),
      },
      (res: IncomingMessage) => {
        try {
          resolve(toResponse(res, init.method));
        } catch (err) {
          res.destroy();
          reject(new TypeError('request failed', { cause: err }));
        }
      },
    );
    // As fetch does: the reason (ECONNREFUSED, ...) is the cause of a TypeError; an abort stays an AbortError.
    req.on('error', (err: Error) =>
      reject(err.name === 'AbortError' ? err : new TypeError('request failed', { cause: err })),
    );
    req.end(body);
  });
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 0;
  if (NO_BODY.has(status) || method === 'HEAD') {
    res.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers });
}
