/** Whether the client secret a setup run kept in the keychain really works. */
import { expect } from 'vitest';
import { secretToolLookup } from './keychain.js';
import { mintWithSecret } from './okta-api.js';

/** The client secret init kept in the keychain gets a token for `scope` from the authorization server init made. */
export async function expectKeptSecretGetsToken(
  ws: { profile: string; state(): Promise<any> },
  scope: string,
): Promise<void> {
  const state = (await ws.state()).profiles[ws.profile].okta;
  const secret = await secretToolLookup(`${ws.profile}/app:${state.clientId}`);
  expect(secret, 'the client secret is in the keychain').toBeTruthy();
  const token = await mintWithSecret(state.tokenEndpoint, state.clientId, secret!, scope);
  expect(token.status, JSON.stringify(token.body)).toBe(200);
}
