/**
 * Issue 19.9: a wait over 2 s is shown on stderr without --debug, saying what it waits for. A stand-in server on
 * loopback answers the first request with 429 and a reset 3 s ahead (as Okta's X-Rate-Limit-Reset does), then HTML.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuilt, workspace, type Workspace } from '../support/index.js';

describe('waits are shown', () => {
  let ws: Workspace;
  let server: Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    requireBuilt();
    ws = await workspace();
    server = createServer((_req, res) => {
      requests += 1;
      if (requests === 1) {
        res.writeHead(429, {
          'content-type': 'application/json',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 3),
        });
        res.end(
          JSON.stringify({
            errorCode: 'E0000047',
            errorSummary: 'API call exceeded rate limit due to too many requests.',
          }),
        );
      } else res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await ws.cleanup();
  });

  it('a rate limit wait over 2 s says what it waits for, without --debug', async () => {
    const result = await ws.run(['login', '--org-url', url, '--api-token-stdin'], {
      input: 'some-api-token-0000000000',
    });
    expect(requests).toBe(2);
    expect(result.stderr).toMatch(
      /waiting \d+ s for the rate limit on GET \/\.well-known\/okta-organization to reset \(retry 1, HTTP 429\)/,
    );
    expect(result.stderr).not.toContain('debug:');
  });
});
