import { RemoteError } from '../../errors.js';
import type { Auth0State } from './state.js';

export function outputsOf(state: Auth0State, profile: string): Record<string, unknown> {
  const profileFlag = profile === 'default' ? '' : ` --profile ${profile}`;
  if (!state.clientId || !state.audience)
    throw new RemoteError('auth0 init did not finish.', { hint: 'Run "okta-m2m auth0 init" again.' });
  return {
    profile,
    domain: state.domain,
    ...(state.baseUrl ? { baseUrl: state.baseUrl } : {}),
    tokenEndpoint: state.tokenEndpoint,
    audience: state.audience,
    clientId: state.clientId,
    scopes: state.scopes ?? [],
    resourceServerId: state.resourceServerId,
    clientGrantId: state.clientGrantId,
    tokenCommand: `okta-m2m token get --provider auth0${profileFlag}`,
  };
}
