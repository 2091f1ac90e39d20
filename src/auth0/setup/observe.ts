import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import type { Auth0Management } from '../client.js';
import {
  findClient,
  findGrant,
  findResourceServer,
  type ClientLike,
  type GrantLike,
  type ResourceServerLike,
} from '../resources/objects.js';
import type { Auth0SetupSpec } from './spec.js';
import type { Auth0State } from './state.js';

/**
 * What exists for `auth0 init`: found by the ids in the project state first, else by identifier (the API) or exact
 * name (the application) or client and audience (the grant).
 */
export interface Auth0Observed {
  resourceServer?: ResourceServerLike;
  client?: ClientLike;
  grant?: GrantLike;
  /** Whether the keychain (or the environment) holds the client's secret. */
  hasSecret: boolean;
}

export async function observe(
  mgmt: Auth0Management,
  spec: Auth0SetupSpec,
  state: Auth0State | undefined,
  secrets: SecretStore,
  profile: string,
): Promise<Auth0Observed> {
  const [resourceServer, client] = await Promise.all([
    findResourceServer(mgmt, spec.audience, state?.resourceServerId),
    findClient(mgmt, spec.name, state?.clientId),
  ]);
  const grant = client ? await findGrant(mgmt, client.client_id, spec.audience, state?.clientGrantId) : undefined;
  const hasSecret = client
    ? (await secrets.get(secretRefs.auth0ClientSecret(profile, client.client_id))) !== undefined
    : false;
  const observed: Auth0Observed = { hasSecret };
  if (resourceServer) observed.resourceServer = resourceServer;
  if (client) observed.client = client;
  if (grant) observed.grant = grant;
  return observed;
}
