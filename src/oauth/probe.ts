import { CliError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { isAuthMethod, loadSigningKey, type ClientAuth } from './client-auth.js';
import { requestToken } from './client-credentials.js';
import type { DpopProver } from './dpop.js';

/**
 * One client credentials token request, to check a setup works end to end (`status`, `login`'s check): whether it
 * worked and what came with it. The token itself is registered with the redactor and never returned.
 */
interface ProbeInput {
  tokenEndpoint: string;
  clientId: string;
  authMethod: string;
  scopes: string[];
  clientSecret?: string | undefined;
  /** PEM or a private JWK as JSON. */
  privateKey?: string | undefined;
  keyId?: string | undefined;
  http?: HttpClient | undefined;
  /** For a DPoP-bound app: the token request carries a proof. */
  dpop?: DpopProver | undefined;
}

export type ProbeResult =
  { ok: true; tokenType: string; expiresIn?: number; scope?: string } | { ok: false; error: string };

export async function probeToken(input: ProbeInput): Promise<ProbeResult> {
  let auth: ClientAuth;
  if (input.authMethod === 'private_key_jwt') {
    if (!input.privateKey) return { ok: false, error: 'the private key is not in the keychain' };
    auth = { method: 'private_key_jwt', key: loadSigningKey(input.privateKey, input.keyId) };
  } else {
    if (!input.clientSecret) return { ok: false, error: 'the client secret is not in the keychain' };
    const method =
      isAuthMethod(input.authMethod) && input.authMethod !== 'private_key_jwt'
        ? input.authMethod
        : 'client_secret_basic';
    auth = { method, clientSecret: input.clientSecret };
  }
  try {
    const token = await requestToken({
      tokenEndpoint: input.tokenEndpoint,
      clientId: input.clientId,
      auth,
      scopes: input.scopes,
      provider: 'okta',
      ...(input.http ? { http: input.http } : {}),
      ...(input.dpop ? { dpop: input.dpop, dpopNonces: new (await import('./dpop.js')).DpopNonces() } : {}),
    });
    const result: ProbeResult = { ok: true, tokenType: token.token_type };
    if (token.expires_in !== undefined) result.expiresIn = token.expires_in;
    if (token.scope !== undefined) result.scope = token.scope;
    return result;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { ok: false, error: failureText(error) };
  }
}

/** "The token request was refused: invalid_client (reason)." -> "invalid_client (reason)". */
function failureText(error: CliError): string {
  const refused = /^The token request was refused: (.*?)\.?$/.exec(error.message);
  if (refused?.[1]) return refused[1];
  return error.message.replace(/\.$/, '').replace(/^Cannot reach/, 'could not reach');
}
