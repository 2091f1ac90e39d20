/**
 * The DPoP hook of the Okta client (RFC 9449; Okta: "Configure OAuth 2.0 Demonstrating Proof-of-Possession"): a
 * proof on the token request and on every management call (htm, htu without the query, ath of the access token),
 * and one more try with the server's nonce after `use_dpop_nonce`. A loopback server plays the org.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createOktaClient } from '../../src/okta/client.js';
import { dpopAth, keyDpopProver } from '../../src/oauth/dpop.js';
import { json, startScriptedServer } from '../support/http-server.js';

describe('DPoP proofs from the Okta client', () => {
  it('token request and management calls carry proofs; a nonce challenge is answered once', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let tokenCalls = 0;
    let apiCalls = 0;
    const server = await startScriptedServer((req, res) => {
      if (req.url === '/oauth2/v1/token') {
        tokenCalls += 1;
        if (tokenCalls === 1)
          return json(
            res,
            400,
            { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof.' },
            { 'dpop-nonce': 'nonce-1' },
          );
        return json(res, 200, {
          access_token: 'dpop-bound-access-token',
          token_type: 'DPoP',
          expires_in: 3600,
          scope: 'okta.apps.read',
        });
      }
      apiCalls += 1;
      if (apiCalls === 1) {
        res
          .writeHead(401, {
            'www-authenticate':
              'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
            'dpop-nonce': 'nonce-2',
          })
          .end();
        return;
      }
      json(res, 200, [{ id: '0oa1', label: 'x' }]);
    });
    try {
      const client = await createOktaClient(
        {
          orgUrl: server.url,
          mode: 'private_key_jwt',
          clientId: 'client-1',
          scopes: ['okta.apps.read'],
          privateKey: pem,
          keyId: 'k1',
        },
        { dpop: keyDpopProver(privateKey, 'RS256') },
      );
      expect(await client.call('GET', '/api/v1/apps', { query: { q: 'x' } })).toEqual([{ id: '0oa1', label: 'x' }]);

      const [firstToken, secondToken, firstApi, secondApi] = server.requests;
      const proof = (r: typeof firstToken) => decodeJwt(String(r!.headers.dpop));
      expect(decodeProtectedHeader(String(firstToken!.headers.dpop))).toMatchObject({
        typ: 'dpop+jwt',
        alg: 'RS256',
        jwk: { kty: 'RSA' },
      });
      expect(proof(firstToken)).toMatchObject({ htm: 'POST', htu: `${server.url}/oauth2/v1/token` });
      expect(proof(firstToken).nonce).toBeUndefined();
      expect(proof(secondToken)).toMatchObject({ htm: 'POST', nonce: 'nonce-1' });
      expect(proof(firstApi)).toMatchObject({
        htm: 'GET',
        htu: `${server.url}/api/v1/apps`,
        ath: dpopAth('dpop-bound-access-token'),
      });
      expect(proof(secondApi)).toMatchObject({ nonce: 'nonce-2' });
      expect(secondApi!.headers.authorization).toBe('DPoP dpop-bound-access-token');
      expect(proof(firstApi).jti).not.toBe(proof(secondApi).jti);
      expect(server.requests).toHaveLength(4);
    } finally {
      await server.close();
    }
  });

  it('the OAuth token is fetched once, reused, and fetched again after Okta says it is no good (invalid_token)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let tokens = 0;
    let rejectNext = false;
    const server = await startScriptedServer((req, res) => {
      if (req.url === '/oauth2/v1/token') {
        tokens += 1;
        return json(res, 200, { access_token: `bearer-token-${tokens}-xyz`, token_type: 'Bearer', expires_in: 3600 });
      }
      if (rejectNext) {
        rejectNext = false;
        res
          .writeHead(401, {
            'www-authenticate': 'Bearer error="invalid_token", error_description="The access token is invalid."',
          })
          .end();
        return;
      }
      json(res, 200, { id: '0oa1' });
    });
    try {
      const client = await createOktaClient({
        orgUrl: server.url,
        mode: 'private_key_jwt',
        clientId: 'client-2',
        scopes: ['okta.apps.read'],
        privateKey: pem,
      });
      await client.call('GET', '/api/v1/apps/0oa1');
      await client.call('GET', '/api/v1/apps/0oa1');
      expect(tokens).toBe(1);
      rejectNext = true;
      await client.call('GET', '/api/v1/apps/0oa1');
      expect(tokens).toBe(2);
      expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer bearer-token-2-xyz');
      const assertion = new URLSearchParams(server.requests[0]!.body).get('client_assertion');
      expect(decodeJwt(String(assertion))).toMatchObject({
        iss: 'client-2',
        sub: 'client-2',
        aud: `${server.url}/oauth2/v1/token`,
      });
    } finally {
      await server.close();
    }
  });
});
