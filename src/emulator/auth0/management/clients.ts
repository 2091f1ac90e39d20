import { mgmtError, ReplyError, type Reply } from '../errors.js';
import { json } from '../http.js';
import { newClientSecret } from '../ids.js';
import type { Client } from '../model.js';
import type { Route } from '../router.js';
import type { Tenant } from '../tenant.js';
import { optString, optStringArray, pageOf, project } from './query.js';
import { managementResource } from './resource.js';

const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'];
const WRITABLE = [
  'name',
  'description',
  'app_type',
  'grant_types',
  'token_endpoint_auth_method',
  'is_first_party',
  'oidc_conformant',
  'callbacks',
  'allowed_origins',
  'web_origins',
  'allowed_logout_urls',
  'client_metadata',
  'jwt_configuration',
  'logo_uri',
  'client_secret',
];

const SUMMARY_FIELDS = ['client_id', 'app_type', 'name', 'description'];
const KEY_FIELDS = ['client_secret', 'signing_keys', 'encryption_key'];

/**
 * What a caller may see of a client, as Auth0 documents it: name and type with any read scope; the configuration
 * with read:clients; the secret only with read:client_keys.
 */
function visibleClient(c: Client, scopes: Set<string> | undefined): Partial<Client> {
  const has = (s: string) => scopes?.has(s) ?? false;
  if (has('read:client_keys')) return c;
  const out: Record<string, unknown> = {};
  const full = has('read:clients');
  for (const [k, v] of Object.entries(c)) {
    if (KEY_FIELDS.includes(k)) continue;
    if (full || SUMMARY_FIELDS.includes(k)) out[k] = v;
  }
  return out;
}

function apply(c: Client, body: Record<string, unknown>): void {
  for (const k of ['name', 'description', 'app_type', 'logo_uri', 'client_secret'] as const) {
    const v = optString(body, k);
    if (v !== undefined) c[k] = v;
  }
  const method = optString(body, 'token_endpoint_auth_method');
  if (method !== undefined) {
    if (!AUTH_METHODS.includes(method)) {
      throw new ReplyError({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: `Payload validation error: 'No enum match for: "${method}"' on property token_endpoint_auth_method.`,
          errorCode: 'invalid_body',
        },
      });
    }
    c.token_endpoint_auth_method = method;
  }
  for (const k of ['grant_types', 'callbacks', 'allowed_origins', 'web_origins', 'allowed_logout_urls'] as const) {
    const v = optStringArray(body, k);
    if (v !== undefined) c[k] = v;
  }
  for (const k of ['is_first_party', 'oidc_conformant'] as const) if (typeof body[k] === 'boolean') c[k] = body[k];
  if (body.client_metadata && typeof body.client_metadata === 'object') {
    c.client_metadata = { ...(body.client_metadata as Record<string, string>) };
  }
  if (body.jwt_configuration && typeof body.jwt_configuration === 'object') {
    c.jwt_configuration = { ...c.jwt_configuration, ...body.jwt_configuration };
  }
}

/** A new client as Auth0 fills it in. Exported for the tenant bootstrap (the management client). */
export function newClient(tenant: Tenant, body: Record<string, unknown>): Client {
  let id = tenant.ids.clientId();
  while (tenant.store.clients.has(id)) id = tenant.ids.clientId();
  const appType = typeof body.app_type === 'string' ? body.app_type : 'regular_web';
  const c: Client = {
    client_id: id,
    client_secret: newClientSecret(),
    name: '',
    app_type: appType,
    grant_types:
      appType === 'non_interactive'
        ? ['client_credentials']
        : ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
    is_first_party: true,
    oidc_conformant: true,
    callbacks: [],
    allowed_origins: [],
    web_origins: [],
    allowed_logout_urls: [],
    client_metadata: {},
    jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
    tenant: tenant.store.tenant,
    global: false,
    sso_disabled: false,
    cross_origin_auth: false,
    custom_login_page_on: true,
  };
  apply(c, body);
  return c;
}

export function clientRoutes(tenant: Tenant): Route[] {
  const { store } = tenant;
  const clients = managementResource(tenant, 'clients');
  const readScopes = ['read:clients', 'read:client_keys', 'read:client_summary'];
  return [
    clients.create(WRITABLE, (body): Reply => {
      optString(body, 'name', { required: true });
      const c = newClient(tenant, body);
      store.clients.set(c.client_id, c);
      return json(c, 201);
    }),
    clients.list(({ url, caller }) => {
      const types = url.searchParams.get('app_type')?.split(',').filter(Boolean);
      const firstParty = url.searchParams.get('is_first_party');
      const all = [...store.clients.values()].filter(
        (c) =>
          (!types || types.includes(c.app_type)) && (firstParty === null || String(c.is_first_party) === firstParty),
      );
      return pageOf(url, 'clients', all.length, (s, e) =>
        all.slice(s, e).map((c) => project(url, visibleClient(c, caller?.scopes))),
      );
    }, readScopes),
    clients.get((c, { url, caller }) => json(project(url, visibleClient(c, caller?.scopes))), readScopes),
    clients.update(
      WRITABLE,
      (c, body, { caller }) => {
        if (body.client_secret !== undefined && !caller?.scopes.has('update:client_keys')) {
          throw new ReplyError(
            mgmtError(403, 'Insufficient scope, expected any of: update:client_keys', 'insufficient_scope'),
          );
        }
        apply(c, body);
        const scopes = new Set(caller?.scopes);
        scopes.add('read:clients');
        if (scopes.has('update:client_keys')) scopes.add('read:client_keys');
        return json(visibleClient(c, scopes));
      },
      ['update:clients', 'update:client_keys'],
    ),
    clients.delete((c) => {
      store.clients.delete(c.client_id);
      store.deleteGrantsWhere((g) => g.client_id === c.client_id);
    }),
    {
      method: 'POST',
      path: `${clients.item}/rotate-secret`,
      scopes: ['update:client_keys'],
      handler: ({ params }) => {
        const c = clients.find(params.id!);
        c.client_secret = newClientSecret();
        tenant.changed();
        return json(c);
      },
    },
  ];
}
