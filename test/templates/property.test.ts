// Property tests: whatever a function URL hands them, both handlers answer a well-formed result and never throw.

import fc from 'fast-check';
import { generateKeyPair, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { allowlistedServers, useTemplateHandlers } from '../support/template-handlers.js';
import { bridgeToken, json, makeEvent } from '../support/templates.js';

const HOOK_SECRET = 'prop-hook-secret';
const t = useTemplateHandlers(['scim-bridge', 'token-hook'], async (handlers) => {
  const { publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const idp = await handlers.listen((_req, res) => json(res, 200, { keys: [jwk] }));
  return {
    ...allowlistedServers(handlers),
    HOOK_SECRET,
    ISSUER: `${idp.url}/oauth2/default`,
    AUDIENCE: 'api://a',
    JWKS_URL: `${idp.url}/keys`,
    POLICY: JSON.stringify({ '*': ['*'] }),
  };
});

function wellFormed(r: unknown): { statusCode: number; headers: Record<string, string>; body: string } {
  expect(r).toBeTypeOf('object');
  const res = r as { statusCode: unknown; headers: unknown; body: unknown; isBase64Encoded: unknown };
  expect(Number.isInteger(res.statusCode)).toBe(true);
  expect(res.statusCode as number).toBeGreaterThanOrEqual(100);
  expect(res.statusCode as number).toBeLessThan(600);
  expect(typeof res.body).toBe('string');
  expect(typeof res.isBase64Encoded).toBe('boolean');
  expect(res.headers).toBeTypeOf('object');
  for (const v of Object.values(res.headers as object)) expect(typeof v).toBe('string');
  return res as { statusCode: number; headers: Record<string, string>; body: string };
}

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const headers = fc.dictionary(
  fc.oneof(headerName, fc.constantFrom('authorization', 'content-type', 'accept', 'if-match', 'x-hook-key')),
  fc.string({ maxLength: 80 }),
  { maxKeys: 6 },
);
const pathPiece = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '..',
    '.',
    '%2f',
    '%2F',
    '%2e%2e',
    '@',
    'evil.example',
    '127.0.0.1',
    '[::1]',
    '%00',
    '\\',
    'scim',
    'v2',
    'Users',
    '%',
    '%zz',
    '?',
    '#',
  ),
);
const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get'),
  fc.string({ maxLength: 8 }),
);

const randomEvent = fc.oneof(
  fc.anything(),
  fc.record(
    {
      rawPath: fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.array(pathPiece, { maxLength: 6 }).map((p) => `/${p.join('/')}`),
      ),
      rawQueryString: fc.string({ maxLength: 40 }),
      headers: fc.oneof(headers, fc.anything()),
      requestContext: fc.oneof(
        fc.record({ http: fc.record({ method }), requestId: fc.string({ maxLength: 40 }) }),
        fc.anything(),
      ),
      body: fc.oneof(fc.string({ maxLength: 200 }), fc.anything()),
      isBase64Encoded: fc.oneof(fc.boolean(), fc.anything()),
    },
    { requiredKeys: [] },
  ),
);

describe('scim-bridge never crashes', () => {
  it('on arbitrary events', async () => {
    await fc.assert(
      fc.asyncProperty(randomEvent, async (event) => {
        const res = wellFormed(await t.bridge(event));
        if (res.statusCode >= 400) {
          const body = JSON.parse(res.body) as { schemas: string[]; status: string };
          expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
          expect(body.status).toBe(String(res.statusCode));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary paths, methods and headers behind an allowlisted host with a good token', async () => {
    const bt = bridgeToken({ v: 1, tokenUrl: `${t.tokens.url}/token`, clientId: 'prop', clientSecret: 'prop-secret' });
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathPiece, { maxLength: 5 }),
        fc.string({ maxLength: 30 }),
        method,
        headers,
        fc.option(fc.string({ maxLength: 100 })),
        async (pieces, query, m, hs, body) => {
          const event = makeEvent({
            method: m,
            path: `/${t.scim.host}/${pieces.join('/')}`,
            query,
            headers: { ...hs, authorization: `Bearer ${bt}` },
            body: body ?? undefined,
          });
          const res = wellFormed(await t.bridge(event));
          // Upstream answers (200/201/404...) or a bridge refusal; never an internal error.
          expect(res.statusCode).not.toBe(500);
          statuses.add(res.statusCode);
        },
      ),
      { numRuns: 200 },
    );
    // Both sides were exercised: forwarded requests and refusals.
    expect([...statuses].some((s) => s === 200 || s === 404)).toBe(true);
    expect(statuses.has(400)).toBe(true);
    // Every forwarded request stayed on the SCIM server, under its own path space.
    for (const r of t.scim.requests) expect(r.url.startsWith('/')).toBe(true);
  });
});

describe('token-hook never crashes', () => {
  it('on arbitrary events', async () => {
    await fc.assert(
      fc.asyncProperty(randomEvent, async (event) => {
        const res = wellFormed(await t.hook(event));
        expect([200, 204, 401]).toContain(res.statusCode);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary hook bodies with the right secret', async () => {
    const assertion = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')),
    );
    const body = fc.oneof(
      fc.anything().map((v) => JSON.stringify(v) ?? 'null'),
      fc.string(),
      fc
        .record(
          {
            data: fc.record(
              {
                context: fc.record(
                  {
                    request: fc.record(
                      {
                        url: fc.oneof(
                          fc.record({
                            value: assertion.map((a) => `https://o.example/t?assertion=${encodeURIComponent(a)}`),
                          }),
                          fc.anything(),
                        ),
                      },
                      { requiredKeys: [] },
                    ),
                    protocol: fc.record(
                      {
                        client: fc.record({ id: fc.oneof(fc.string(), fc.anything()) }),
                        request: fc.record({ scope: fc.anything(), assertion }, { requiredKeys: [] }),
                      },
                      { requiredKeys: [] },
                    ),
                  },
                  { requiredKeys: [] },
                ),
                access: fc.anything(),
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (b, b64) => {
        const event = makeEvent({
          method: 'POST',
          path: '/',
          headers: { authorization: HOOK_SECRET },
          body: b64 ? Buffer.from(b).toString('base64') : b,
          isBase64Encoded: b64,
        });
        const res = wellFormed(await t.hook(event));
        expect(res.statusCode).toBe(200);
        const parsed = JSON.parse(res.body) as { error?: { errorSummary: string }; commands?: unknown };
        expect(typeof parsed.error?.errorSummary).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
