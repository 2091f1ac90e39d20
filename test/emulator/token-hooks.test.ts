import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  provisionClientCredentials,
  startEmulator,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { api, basicAuth, settlesAfter, tokenHook, tokenRequest } from '../support/index.js';

interface HookCall {
  headers: IncomingMessage['headers'];
  body: any;
}

let emulator: EmulatorHandle;
let hookServer: Server;
let hookUrl: string;
let calls: HookCall[] = [];
/** What the test hook server answers next: a status and body, or 'hang' to exceed the 3 s timeout. */
let reply: { status: number; body: unknown } | 'hang' = { status: 200, body: {} };
let hookId: string;
let fixture: ClientCredentialsFixture;

beforeAll(async () => {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emulator = await startEmulator({ port: 0, rateLimits: 'off' });
  hookServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/token-hook`;
  const hook = await api(
    emulator,
    'POST',
    '/api/v1/inlineHooks',
    tokenHook('test token hook', {
      uri: hookUrl,
      headers: [{ key: 'X-Tenant', value: 'acme' }],
      authScheme: { type: 'HEADER', key: 'Authorization', value: 'hook-shared-secret' },
    }),
  );
  hookId = hook.body.id;
  fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, {
    scope: 'orders.read',
    inlineHookId: hookId,
    accessTokenLifetimeMinutes: 60,
  });
});
afterAll(async () => {
  hookServer.closeAllConnections();
  await new Promise((resolve) => hookServer.close(resolve));
  await emulator.stop();
});
beforeEach(() => {
  calls = [];
  reply = { status: 200, body: {} };
});

const requestToken = (query = '') =>
  tokenRequest(
    `${fixture.tokenUrl}${query}`,
    { grant_type: 'client_credentials', scope: 'orders.read' },
    { Authorization: basicAuth(fixture.clientId, fixture.clientSecret!) },
  );

const patch = (...ops: unknown[]) => ({ commands: [{ type: 'com.okta.access.patch', value: ops }] });

describe('token inline hooks', () => {
  it("sends Okta's request body with the configured headers, including the token URL's query string", async () => {
    const res = await requestToken('?assertion=eyJhbGciOiJub25lIn0.e30.');
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const { headers, body } = calls[0]!;
    expect(headers.authorization).toBe('hook-shared-secret');
    expect(headers['x-tenant']).toBe('acme');
    expect(body).toMatchObject({
      eventType: 'com.okta.oauth2.tokens.transform',
      eventTypeVersion: '1.0',
      cloudEventVersion: '0.1',
      contentType: 'application/json',
      source: fixture.tokenUrl,
    });
    expect(body.eventId).toBeTruthy();
    const context = body.data.context;
    expect(context.request.method).toBe('POST');
    expect(context.request.url.value).toBe(`${fixture.tokenUrl}?assertion=eyJhbGciOiJub25lIn0.e30.`);
    expect(context.request.id).toBe(res.headers.get('x-okta-request-id'));
    expect(context.protocol).toMatchObject({
      type: 'OAUTH2.0',
      request: { grant_type: 'client_credentials', scope: 'orders.read' },
      issuer: { uri: fixture.issuer },
      client: { id: fixture.clientId },
    });
    expect(context.policy).toEqual({ id: fixture.policyId, rule: { id: fixture.ruleId } });
    expect(body.data.identity).toBeUndefined();
    expect(body.data.access.claims).toMatchObject({
      ver: 1,
      iss: fixture.issuer,
      aud: fixture.audience,
      cid: fixture.clientId,
      scp: ['orders.read'],
    });
    expect(body.data.access.token.lifetime.expiration).toBe(3600);
    expect(body.data.access.scopes['orders.read'].action).toBe('GRANT');
  });

  it('applies add, replace and remove on claims and replace on the lifetime', async () => {
    reply = {
      status: 200,
      body: patch(
        { op: 'add', path: '/claims/tenant', value: 'acme' },
        { op: 'add', path: '/claims/roles', value: ['a'] },
      ),
    };
    const first = decodeJwt((await requestToken()).body.access_token);
    expect(first.tenant).toBe('acme');
    expect(first.roles).toEqual(['a']);

    reply = {
      status: 200,
      body: {
        commands: [
          {
            type: 'com.okta.access.patch',
            value: [
              { op: 'add', path: '/claims/extra', value: { k: 1 } },
              { op: 'add', path: '/claims/list', value: [1] },
              { op: 'add', path: '/claims/list/-', value: 2 },
            ],
          },
          { type: 'com.okta.access.patch', value: [{ op: 'replace', path: '/token/lifetime/expiration', value: 600 }] },
        ],
      },
    };
    const res = await requestToken();
    expect(res.body.expires_in).toBe(600);
    const claims = decodeJwt(res.body.access_token);
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.extra).toEqual({ k: 1 });
    expect(claims.list).toEqual([1, 2]);

    await api(emulator, 'POST', `/api/v1/authorizationServers/${fixture.authServerId}/claims`, {
      name: 'static',
      value: '"x"',
      valueType: 'EXPRESSION',
      claimType: 'RESOURCE',
    });
    reply = {
      status: 200,
      body: patch(
        { op: 'replace', path: '/claims/static', value: 'y' },
        { op: 'add', path: '/claims/gone', value: 1 },
        { op: 'remove', path: '/claims/gone' },
      ),
    };
    const replaced = decodeJwt((await requestToken()).body.access_token);
    expect(replaced.static).toBe('y');
    expect(replaced.gone).toBeUndefined();
  });

  it('fails the token request with server_error and the errorSummary when the hook answers with an error', async () => {
    reply = {
      status: 200,
      body: {
        error: { errorSummary: 'Tenant is suspended', errorCauses: [{ errorSummary: 'suspended', reason: 'x' }] },
      },
    };
    const res = await requestToken();
    expect(res.status).toBe(400);
    // Okta TokenHookResponse.error (management spec): error server_error, error_description the errorSummary.
    expect(res.body).toEqual({ error: 'server_error', error_description: 'Tenant is suspended' });
  });

  it('leaves the token unmodified on a non-200, malformed JSON, a bad patch or a reserved claim', async () => {
    const cases: { status: number; body: unknown }[] = [
      { status: 500, body: patch({ op: 'add', path: '/claims/x', value: 1 }) },
      { status: 200, body: '{not json' },
      {
        status: 200,
        body: patch({ op: 'add', path: '/claims/x', value: 1 }, { op: 'replace', path: '/claims/missing', value: 1 }),
      },
      { status: 200, body: patch({ op: 'replace', path: '/claims/sub', value: 'evil' }) },
      {
        status: 200,
        body: patch(
          { op: 'add', path: '/claims/x', value: 1 },
          { op: 'replace', path: '/token/lifetime/expiration', value: 10 },
        ),
      },
      { status: 200, body: patch({ op: 'move', path: '/claims/x', from: '/claims/cid' }) },
    ];
    for (const c of cases) {
      reply = c;
      const res = await requestToken();
      expect(res.status).toBe(200);
      const claims = decodeJwt(res.body.access_token);
      expect(claims.x).toBeUndefined();
      expect(claims.sub).toBe(fixture.clientId);
      expect(res.body.expires_in).toBe(3600);
    }
  });

  it('gives up after 3 seconds and issues the token unmodified', async () => {
    reply = 'hang';
    const { value: res, timerFiredFirst } = await settlesAfter(requestToken(), 2900);
    expect(res.status).toBe(200);
    // It waited for the hook (a 2.9 s timer started with the request fired first) ...
    expect(timerFiredFirst).toBe(true);
    // ... and then went on without it: the hook got the call and never answered (the test's timeout bounds the wait).
    expect(calls).toHaveLength(1);
    expect(decodeJwt(res.body.access_token).sub).toBe(fixture.clientId);
  }, 10_000);

  it('skips an inactive hook', async () => {
    await api(emulator, 'POST', `/api/v1/inlineHooks/${hookId}/lifecycle/deactivate`);
    reply = { status: 200, body: patch({ op: 'add', path: '/claims/x', value: 1 }) };
    const res = await requestToken();
    expect(decodeJwt(res.body.access_token).x).toBeUndefined();
    expect(calls).toHaveLength(0);
    await api(emulator, 'POST', `/api/v1/inlineHooks/${hookId}/lifecycle/activate`);
  });

  it('executes a hook on demand through /execute and returns its answer', async () => {
    reply = { status: 200, body: patch({ op: 'add', path: '/claims/x', value: 1 }) };
    const res = await api(emulator, 'POST', `/api/v1/inlineHooks/${hookId}/execute`, { data: { sample: true } });
    expect(res.status).toBe(200);
    expect(res.body.commands[0].type).toBe('com.okta.access.patch');
    expect(calls[0]!.body).toEqual({ data: { sample: true } });
  });
});
