import { DEFAULT_PROFILE } from '../../config/profiles.js';
import type { OktaState } from './state.js';

/** What a consumer of the API needs, from what init recorded. */
export interface SetupOutputs {
  profile: string;
  orgUrl: string;
  clientId: string;
  authMethod: string;
  issuer: string;
  wellKnownUrl: string;
  tokenEndpoint: string;
  audience: string;
  scopes: string[];
  defaultScope?: string;
  keyId?: string;
  /** Where the client secret or private key is kept. */
  credential: string;
  tokenCommand: string;
}

export function outputsOf(state: OktaState, profile: string): SetupOutputs {
  const issuer = state.issuer ?? `${state.orgUrl}/oauth2/${state.authServerId ?? ''}`;
  const pkj = state.authMethod === 'private_key_jwt';
  const profileFlag = profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`;
  const out: SetupOutputs = {
    profile,
    orgUrl: state.orgUrl,
    clientId: state.clientId ?? '',
    authMethod: state.authMethod ?? '',
    issuer,
    wellKnownUrl: `${issuer}/.well-known/oauth-authorization-server`,
    tokenEndpoint: state.tokenEndpoint ?? `${issuer}/v1/token`,
    audience: state.audience ?? '',
    scopes: state.scopes ?? [],
    credential: pkj
      ? `private key in the OS keychain (service okta-m2m, account ${profile}/app-key:${state.clientId ?? ''})`
      : `client secret in the OS keychain (service okta-m2m, account ${profile}/app:${state.clientId ?? ''})`,
    tokenCommand: `okta-m2m token get${profileFlag}`,
  };
  if (state.defaultScope) out.defaultScope = state.defaultScope;
  if (state.keyId) out.keyId = state.keyId;
  return out;
}
