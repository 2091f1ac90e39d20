import { randomUUID } from 'node:crypto';
import { registerSecret } from '../secrets/redact.js';

/**
 * One client credentials token request with plain fetch, to check a setup works end to end. The token itself is
 * registered with the redactor and never returned: only whether it worked and what came with it.
 */
export interface MintInput {
  tokenEndpoint: string;
  clientId: string;
  authMethod: string;
  scopes: string[];
  clientSecret?: string;
  privateKeyPem?: string;
  keyId?: string;
  fetchImpl?: typeof fetch;
}

export type MintResult =
  | { ok: true; tokenType: string; expiresIn?: number; scope?: string }
  | { ok: false; error: string };

export async function mintToken(input: MintInput): Promise<MintResult> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (input.scopes.length) body.set('scope', input.scopes.join(' '));
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (input.authMethod === 'private_key_jwt') {
    if (!input.privateKeyPem) return { ok: false, error: 'the private key is not in the keychain' };
    const jose = await import('jose');
    const key = await jose.importPKCS8(input.privateKeyPem, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'RS256', ...(input.keyId ? { kid: input.keyId } : {}) })
      .setIssuer(input.clientId)
      .setSubject(input.clientId)
      .setAudience(input.tokenEndpoint)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(key);
    registerSecret(assertion);
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
    body.set('client_id', input.clientId);
  } else {
    if (!input.clientSecret) return { ok: false, error: 'the client secret is not in the keychain' };
    if (input.authMethod === 'client_secret_post') {
      body.set('client_id', input.clientId);
      body.set('client_secret', input.clientSecret);
    } else {
      const basic = Buffer.from(`${encodeURIComponent(input.clientId)}:${encodeURIComponent(input.clientSecret)}`).toString('base64');
      registerSecret(basic);
      headers.authorization = `Basic ${basic}`;
    }
  }
  let response: Response;
  try {
    response = await (input.fetchImpl ?? fetch)(input.tokenEndpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    return { ok: false, error: `could not reach the token endpoint: ${(error as Error).message}` };
  }
  let json: Record<string, unknown> = {};
  try {
    json = (await response.json()) as Record<string, unknown>;
  } catch {
    // Not JSON: reported below by status.
  }
  if (!response.ok || typeof json.access_token !== 'string') {
    const detail = typeof json.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : `HTTP ${response.status}`;
    return { ok: false, error: detail };
  }
  registerSecret(json.access_token);
  const result: MintResult = { ok: true, tokenType: String(json.token_type ?? 'Bearer') };
  if (typeof json.expires_in === 'number') result.expiresIn = json.expires_in;
  if (typeof json.scope === 'string') result.scope = json.scope;
  return result;
}
