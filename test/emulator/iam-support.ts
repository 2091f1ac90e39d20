import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, clientAssertion, tokenRequest, type ApiResponse, type TestKey } from '../support/index.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The errorSummary of an Okta error body's first cause. */
export function firstCause(response: ApiResponse): string | undefined {
  return response.body?.errorCauses?.[0]?.errorSummary;
}

/** An okta.* token from the org authorization server, the client authenticated with private_key_jwt. */
export async function orgServerToken(
  emulator: EmulatorHandle,
  clientId: string,
  key: TestKey,
  scope: string,
): Promise<ApiResponse> {
  const tokenUrl = `${emulator.url}/oauth2/v1/token`;
  return tokenRequest(tokenUrl, {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: JWT_BEARER,
    client_assertion: await clientAssertion(key, clientId, tokenUrl),
  });
}

/** An org-server token for `scope` (orgServerToken), and api() calls that carry it as a Bearer. */
export async function asClient(emulator: EmulatorHandle, clientId: string, key: TestKey, scope: string) {
  const issued = await orgServerToken(emulator, clientId, key, scope);
  const bearer = `Bearer ${issued.body.access_token}`;
  return { issued, call: (method: string, path: string, body?: unknown) => api(emulator, method, path, body, bearer) };
}
