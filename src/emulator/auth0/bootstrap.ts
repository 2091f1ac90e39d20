import { createGrant } from './management/client-grants.js';
import { newClient } from './management/clients.js';
import { IdFactory } from './ids.js';
import { generateSigningKey, importSigningKey, type SigningKey } from './keys.js';
import { ALL_MANAGEMENT_SCOPES, type ResourceServer } from './model.js';
import { seededRandom } from '../core/prng.js';
import { TenantStore, type TenantSnapshot } from './store.js';
import type { Tenant } from './tenant.js';

interface TenantSettings {
  seed: number;
  issuer: string;
  domain: string;
  tenantName: string;
  /** undefined = keep what a loaded state has (or the default for a new tenant) */
  managementScopes: string[] | undefined;
  defaultManagementScopes: readonly string[];
  changed: () => void;
}

/**
 * A fresh tenant (signing key, the Management API as a system resource server, one M2M management client
 * granted the management scopes), or the saved one brought up to date with this run's issuer.
 */
export async function openTenant(settings: TenantSettings, saved: TenantSnapshot | undefined): Promise<Tenant> {
  const ids = new IdFactory(seededRandom(settings.seed));
  const managementAudience = `${settings.issuer}api/v2/`;
  const tenantOf = (store: TenantStore, key: SigningKey): Tenant => ({
    store,
    ids,
    key,
    issuer: settings.issuer,
    domain: settings.domain,
    managementAudience,
    changed: settings.changed,
  });
  if (saved) {
    const store = TenantStore.fromSnapshot(saved);
    const key = await importSigningKey(saved.signingKey.kid, saved.signingKey.privateJwk);
    const tenant = tenantOf(store, key);
    // The issuer follows the port; move the Management API (and grants for it) to this run's identifier.
    const system = [...store.resourceServers.values()].find((rs) => rs.is_system);
    if (system && system.identifier !== managementAudience) {
      const old = system.identifier;
      system.identifier = managementAudience;
      for (const g of store.clientGrants.values()) if (g.audience === old) g.audience = managementAudience;
    }
    if (settings.managementScopes) {
      const grant = store.grantFor(store.managementClientId, managementAudience);
      if (grant) grant.scope = [...settings.managementScopes];
    }
    return tenant;
  }
  const key = await generateSigningKey(ids.keyId());
  const store = new TenantStore(settings.tenantName, '', { kid: key.kid, privateJwk: key.privateJwk });
  const tenant = tenantOf(store, key);
  const api: ResourceServer = {
    id: ids.resourceServerId(),
    name: 'Auth0 Management API',
    identifier: managementAudience,
    is_system: true,
    scopes: ALL_MANAGEMENT_SCOPES.map((value) => ({ value, description: value.replace(':', ' ') })),
    signing_alg: 'RS256',
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
    token_lifetime: 86400,
    token_lifetime_for_web: 7200,
  };
  store.resourceServers.set(api.id, api);
  const mgmt = newClient(tenant, { name: 'okta-m2m emulator management client', app_type: 'non_interactive' });
  store.clients.set(mgmt.client_id, mgmt);
  store.managementClientId = mgmt.client_id;
  createGrant(tenant, mgmt.client_id, managementAudience, [
    ...(settings.managementScopes ?? settings.defaultManagementScopes),
  ]);
  return tenant;
}
