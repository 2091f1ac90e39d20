import { getApp } from './app-lookup.js';
import { createHash } from 'node:crypto';
import { lifecycleLink, link, type RequestContext, type Route } from './context.js';
import { notFound, OktaError, validationError } from './errors.js';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { newClientSecret, newId, oktaTimestamp } from './ids.js';
import { pageRequest, paginate } from './pagination.js';
import { existingClientJwks, storedClientJwks } from './app-jwks.js';
import { checkClientSecret } from './client-secret-rules.js';
import { readObjectBody } from './validation.js';
import type { ClientSecret, EmulatorState, Stored } from './state.js';
import { collectionRoutes } from './resource-routes.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const GRANT_TYPES_BY_APP_TYPE: Record<string, string[]> = {
  service: [
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
  ],
  web: [
    'authorization_code',
    'refresh_token',
    'implicit',
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:token-exchange',
  ],
  native: [
    'authorization_code',
    'refresh_token',
    'implicit',
    'password',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:token-exchange',
  ],
  browser: ['authorization_code', 'refresh_token', 'implicit'],
};
const MAX_SECRETS_PER_CLIENT = 2;

export function findAppByClientId(state: EmulatorState, clientId: string): Stored | undefined {
  const byId = state.apps.get(clientId);
  if (byId && byId.credentials?.oauthClient?.client_id === clientId) return byId;
  return state.apps.find((a) => a.credentials?.oauthClient?.client_id === clientId);
}

export function activeSecrets(state: EmulatorState, appId: string): ClientSecret[] {
  return (state.appSecrets.get(appId) ?? []).filter((s) => s.status === 'ACTIVE');
}

function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest().subarray(0, 16).toString('base64url');
}

function newSecretRecord(secret: string, status: ClientSecret['status'] = 'ACTIVE'): ClientSecret {
  const now = oktaTimestamp();
  return { id: newId('secret'), status, secret, secret_hash: secretHash(secret), created: now, lastUpdated: now };
}

function appLinks(ctx: RequestContext, app: Stored): Json {
  const base = `${ctx.orgUrl}/api/v1/apps/${app.id}`;
  const links: Json = {
    appLinks: [
      {
        name: 'oidc_client_link',
        href: `${ctx.orgUrl}/home/oidc_client/${app.id}/aln177a159h7Zf52X0g8`,
        type: 'text/html',
      },
    ],
    groups: link(`${base}/groups`),
    logo: [
      {
        name: 'medium',
        href: `${ctx.orgUrl}/assets/img/logos/default.6770228fb0dab49a1695ef440a5279bb.png`,
        type: 'image/png',
      },
    ],
    users: link(`${base}/users`),
    uploadLogo: link(`${base}/logo`, ['POST']),
    policies: link(`${base}/policies`, ['PUT']),
    self: link(base, ['GET', 'PUT', 'DELETE']),
  };
  Object.assign(links, lifecycleLink(base, app.status === 'ACTIVE'));
  return links;
}

/** The app as Okta returns it; the secret only when `revealSecret` (create and replace responses). */
function renderApp(ctx: RequestContext, app: Stored, revealSecret: boolean): Json {
  const rendered: Json = structuredClone(app);
  if (revealSecret) {
    const secret = activeSecrets(ctx.state, app.id).at(-1);
    if (secret && SECRET_METHODS.has(app.credentials.oauthClient.token_endpoint_auth_method)) {
      rendered.credentials.oauthClient.client_secret = secret.secret;
    }
  }
  rendered._links = appLinks(ctx, app);
  return rendered;
}

interface ValidatedApp {
  app: Json;
  clientSecret: string | undefined;
}

/** Checks an OIDC app body the way Okta does and fills Okta's defaults. */
function validateApp(ctx: RequestContext, body: Json, existing: Stored | undefined): ValidatedApp {
  const name = existing?.name ?? body.name;
  if (!name) throw validationError('name', 'name: The field cannot be left blank');
  if (name !== 'oidc_client' || (body.signOnMode ?? 'OPENID_CONNECT') !== 'OPENID_CONNECT') {
    throw validationError(
      'name',
      `name: The emulator supports only OpenID Connect apps (name "oidc_client", signOnMode "OPENID_CONNECT"), got "${String(name)}"`,
    );
  }
  if (typeof body.label !== 'string' || body.label.trim() === '')
    throw validationError('label', 'label: The field cannot be left blank');
  const settingsClient: Json = isObject(body.settings?.oauthClient) ? body.settings.oauthClient : {};
  const credentialsClient: Json = isObject(body.credentials?.oauthClient) ? body.credentials.oauthClient : {};
  const applicationType = settingsClient.application_type ?? 'web';
  const allowedGrants = GRANT_TYPES_BY_APP_TYPE[applicationType];
  if (!allowedGrants)
    throw validationError(
      'application_type',
      `application_type: '${String(applicationType)}' is not a valid application type.`,
    );
  const grantTypes: unknown =
    settingsClient.grant_types ?? (applicationType === 'service' ? ['client_credentials'] : ['authorization_code']);
  if (!Array.isArray(grantTypes) || grantTypes.length === 0)
    throw validationError('grant_types', 'grant_types: The field cannot be left blank');
  for (const grant of grantTypes) {
    if (!allowedGrants.includes(grant)) {
      throw validationError(
        'grant_types',
        `grant_types: '${String(grant)}' is not a valid grant type for a client application of type '${applicationType}'.`,
      );
    }
  }
  const method = credentialsClient.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(method)) {
    throw validationError(
      'token_endpoint_auth_method',
      `token_endpoint_auth_method: '${String(method)}' is not a valid token endpoint authentication method.`,
    );
  }
  if (applicationType === 'service' && method === 'none') {
    throw validationError(
      'token_endpoint_auth_method',
      "token_endpoint_auth_method: 'none' is not valid for a client application of type 'service'.",
    );
  }
  const jwksKeys: unknown = settingsClient.jwks?.keys;
  if (method === 'private_key_jwt') {
    if (!Array.isArray(jwksKeys) || jwksKeys.length === 0) {
      if (!settingsClient.jwks_uri)
        throw validationError(
          'jwks',
          "jwks: 'jwks' or 'jwks_uri' is required when 'token_endpoint_auth_method' is 'private_key_jwt'.",
        );
    }
    if (credentialsClient.client_secret !== undefined) {
      throw validationError(
        'client_secret',
        "'client_secret' can't be used when 'token_endpoint_auth_method' is 'private_key_jwt'.",
      );
    }
  }
  const storedJwks = Array.isArray(jwksKeys) ? storedClientJwks(jwksKeys, existingClientJwks(existing)) : undefined;
  const clientSecret: unknown = credentialsClient.client_secret;
  if (clientSecret !== undefined) checkClientSecret(clientSecret, method);
  const clientId: string = existing?.credentials.oauthClient.client_id ?? credentialsClient.client_id ?? '';
  if (!existing && clientId) {
    if (!/^[A-Za-z0-9$\-_.+!*'(),]{6,100}$/.test(clientId) || clientId === 'ALL_CLIENTS') {
      throw validationError('client_id', 'client_id: The client_id is invalid.');
    }
    if (findAppByClientId(ctx.state, clientId)) {
      throw validationError(
        'client_id',
        'client_id: An object with this field already exists in the current organization',
      );
    }
  }

  const app: Json = {
    name: 'oidc_client',
    label: body.label,
    signOnMode: 'OPENID_CONNECT',
    accessibility: {
      selfService: false,
      errorRedirectUrl: null,
      loginRedirectUrl: null,
      ...(body.accessibility ?? {}),
    },
    visibility: {
      autoLaunch: false,
      autoSubmitToolbar: false,
      hide: { iOS: true, web: true },
      appLinks: { oidc_client_link: true },
      ...(body.visibility ?? {}),
    },
    features: [],
    credentials: {
      userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
      signing: { kid: existing?.credentials?.signing?.kid ?? newId('secret').slice(3) },
      oauthClient: {
        autoKeyRotation: credentialsClient.autoKeyRotation ?? true,
        client_id: clientId,
        token_endpoint_auth_method: method,
        pkce_required: credentialsClient.pkce_required ?? (applicationType !== 'service' && applicationType !== 'web'),
      },
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
      manualProvisioning: false,
      implicitAssignment: false,
      notes: { admin: body.settings?.notes?.admin ?? null, enduser: body.settings?.notes?.enduser ?? null },
      oauthClient: {
        client_uri: null,
        logo_uri: null,
        redirect_uris: [],
        response_types: applicationType === 'service' ? ['token'] : ['code'],
        ...settingsClient,
        grant_types: grantTypes,
        application_type: applicationType,
        consent_method: settingsClient.consent_method ?? 'REQUIRED',
        issuer_mode: settingsClient.issuer_mode ?? 'DYNAMIC',
        wildcard_redirect: settingsClient.wildcard_redirect ?? 'DISABLED',
        dpop_bound_access_tokens: settingsClient.dpop_bound_access_tokens ?? false,
        ...(storedJwks ? { jwks: { ...settingsClient.jwks, keys: storedJwks } } : {}),
      },
    },
  };
  return { app, clientSecret: clientSecret };
}

function assertLabelFree(state: EmulatorState, label: string, exceptId?: string): void {
  // Okta refuses a second active OIDC client with the same label (seen as E0000001 from Okta's own CLI).
  const clash = state.apps.find(
    (a) => a.id !== exceptId && a.status === 'ACTIVE' && a.name === 'oidc_client' && a.label === label,
  );
  if (clash) {
    throw validationError(
      'label',
      `label: An active OpenID Connect Client instance with the label "${label}" already exists.`,
    );
  }
}

function createApp(ctx: RequestContext): HandlerResult {
  const body = readObjectBody(ctx);
  const { app, clientSecret } = validateApp(ctx, body, undefined);
  const activate = ctx.query.get('activate') !== 'false';
  if (activate) assertLabelFree(ctx.state, app.label);
  const now = oktaTimestamp();
  const id = newId('app');
  app.credentials.oauthClient.client_id ||= id;
  const stored: Stored = { id, ...app, status: activate ? 'ACTIVE' : 'INACTIVE', created: now, lastUpdated: now };
  ctx.state.apps.add(stored);
  if (SECRET_METHODS.has(app.credentials.oauthClient.token_endpoint_auth_method)) {
    ctx.state.appSecrets.set(id, [newSecretRecord(clientSecret ?? newClientSecret())]);
  }
  ctx.changed();
  return json(200, renderApp(ctx, stored, true));
}

function replaceApp(ctx: RequestContext): HandlerResult {
  const existing = getApp(ctx);
  const body = readObjectBody(ctx);
  const { app, clientSecret } = validateApp(ctx, body, existing);
  if (existing.status === 'ACTIVE') assertLabelFree(ctx.state, app.label, existing.id);
  const updated: Stored = {
    ...app,
    id: existing.id,
    status: existing.status,
    created: existing.created,
    lastUpdated: oktaTimestamp(),
  };
  const needsSecret = SECRET_METHODS.has(app.credentials.oauthClient.token_endpoint_auth_method);
  const secrets = ctx.state.appSecrets.get(existing.id) ?? [];
  if (app.credentials.oauthClient.token_endpoint_auth_method === 'private_key_jwt') {
    // Okta deletes an app's client secrets when it switches to public key / private key authentication.
    ctx.state.appSecrets.delete(existing.id);
  } else if (clientSecret !== undefined) {
    ctx.state.appSecrets.set(existing.id, [newSecretRecord(clientSecret)]);
  } else if (needsSecret && secrets.length === 0) {
    ctx.state.appSecrets.set(existing.id, [newSecretRecord(newClientSecret())]);
  }
  ctx.state.apps.replace(updated);
  ctx.changed();
  return json(200, renderApp(ctx, updated, true));
}

// Okta filters apps only on these properties (not on label or client_id: use q and compare yourself).
const APP_FILTER = /^\s*(id|status|name|credentials\.signing\.kid)\s+eq\s+"([^"]*)"\s*$/;

function listApps(ctx: RequestContext): HandlerResult {
  const q = ctx.query.get('q')?.toLowerCase();
  const filter = ctx.query.get('filter');
  let filterTest: ((app: Stored) => boolean) | undefined;
  if (filter) {
    const m = APP_FILTER.exec(filter);
    if (!m) throw validationError('filter', `filter: Invalid filter expression: ${filter}`);
    const [, field, value] = m;
    filterTest = (app) =>
      field === 'credentials.signing.kid' ? app.credentials?.signing?.kid === value : app[field!] === value;
  }
  const predicate = (app: Stored) =>
    (!q || String(app.label).toLowerCase().startsWith(q) || String(app.name).toLowerCase().startsWith(q)) &&
    (!filterTest || filterTest(app));
  const page = paginate(ctx.state.apps, ctx.url, pageRequest(ctx.query, 20, 200), predicate);
  return json(
    200,
    page.items.map((a) => renderApp(ctx, a, false)),
    { Link: page.links },
  );
}

function setAppStatus(status: 'ACTIVE' | 'INACTIVE') {
  return (ctx: RequestContext): HandlerResult => {
    const app = getApp(ctx);
    if (status === 'ACTIVE' && app.status !== 'ACTIVE') assertLabelFree(ctx.state, app.label, app.id);
    if (app.status !== status) {
      ctx.state.apps.replace({ ...app, status, lastUpdated: oktaTimestamp() });
      ctx.changed();
    }
    return json(200, {});
  };
}

function deleteApp(ctx: RequestContext): HandlerResult {
  const app = getApp(ctx);
  if (app.status === 'ACTIVE')
    throw new OktaError(403, 'E0000056', 'Delete application forbidden.', [
      'Application must be deactivated before it can be deleted.',
    ]);
  ctx.state.apps.delete(app.id);
  ctx.state.appSecrets.delete(app.id);
  ctx.state.appGrants.delete(app.id);
  ctx.state.clientRoles.delete(app.id);
  ctx.changed();
  return noContent();
}

// --- client secrets -------------------------------------------------------------------------------------

function renderSecret(ctx: RequestContext, appId: string, secret: ClientSecret, reveal: boolean): Json {
  const base = `${ctx.orgUrl}/api/v1/apps/${appId}/credentials/secrets/${secret.id}`;
  return {
    id: secret.id,
    status: secret.status,
    client_secret: reveal ? secret.secret : `***${secret.secret.slice(-4)}`,
    secret_hash: secret.secret_hash,
    created: secret.created,
    lastUpdated: secret.lastUpdated,
    _links:
      secret.status === 'ACTIVE'
        ? { deactivate: link(`${base}/lifecycle/deactivate`, ['POST']) }
        : { activate: link(`${base}/lifecycle/activate`, ['POST']), delete: link(base, ['DELETE']) },
  };
}

function getSecret(ctx: RequestContext): ClientSecret {
  getApp(ctx);
  const secret = (ctx.state.appSecrets.get(ctx.params.appId!) ?? []).find((s) => s.id === ctx.params.secretId);
  if (!secret) throw notFound(`${ctx.params.secretId} (OAuth2ClientSecret)`);
  return secret;
}

function listSecrets(ctx: RequestContext): HandlerResult {
  const app = getApp(ctx);
  return json(
    200,
    (ctx.state.appSecrets.get(app.id) ?? []).map((s) => renderSecret(ctx, app.id, s, false)),
  );
}

function createSecret(ctx: RequestContext): HandlerResult {
  const app = getApp(ctx);
  const body = ctx.body === undefined ? {} : readObjectBody(ctx);
  if (app.credentials.oauthClient.token_endpoint_auth_method === 'private_key_jwt') {
    throw validationError(
      'client_secret',
      "'client_secret' can't be used when 'token_endpoint_auth_method' is 'private_key_jwt'.",
    );
  }
  const secrets = ctx.state.appSecrets.get(app.id) ?? [];
  if (secrets.length >= MAX_SECRETS_PER_CLIENT) {
    throw validationError(
      'OAuth2ClientSecretMediated',
      "You've reached the maximum number of client secrets per client.",
    );
  }
  const value: unknown = body.client_secret ?? newClientSecret();
  checkClientSecret(value, app.credentials.oauthClient.token_endpoint_auth_method);
  const record = newSecretRecord(value, body.status === 'INACTIVE' ? 'INACTIVE' : 'ACTIVE');
  ctx.state.appSecrets.set(app.id, [...secrets, record]);
  ctx.changed();
  return json(201, renderSecret(ctx, app.id, record, true));
}

function setSecretStatus(status: ClientSecret['status']) {
  return (ctx: RequestContext): HandlerResult => {
    const secret = getSecret(ctx);
    if (
      status === 'INACTIVE' &&
      secret.status === 'ACTIVE' &&
      activeSecrets(ctx.state, ctx.params.appId!).length === 1
    ) {
      throw validationError('OAuth2ClientSecretMediated', "You can't deactivate the only active client secret.");
    }
    if (secret.status !== status) {
      secret.status = status;
      secret.lastUpdated = oktaTimestamp();
      ctx.changed();
    }
    return json(200, renderSecret(ctx, ctx.params.appId!, secret, false));
  };
}

function deleteSecret(ctx: RequestContext): HandlerResult {
  const secret = getSecret(ctx);
  if (secret.status === 'ACTIVE')
    throw validationError(
      'OAuth2ClientSecretMediated',
      "You can't delete an active client secret. Deactivate the secret before deleting it.",
    );
  const appId = ctx.params.appId!;
  ctx.state.appSecrets.set(
    appId,
    (ctx.state.appSecrets.get(appId) ?? []).filter((s) => s !== secret),
  );
  ctx.changed();
  return noContent();
}

const SCOPE_FAMILY = 'okta.apps';
export const appRoutes: Route[] = [
  ...collectionRoutes(SCOPE_FAMILY, '/api/v1/apps', 'appId', {
    list: listApps,
    create: createApp,
    get: (ctx) => json(200, renderApp(ctx, getApp(ctx), false)),
    replace: replaceApp,
    delete: deleteApp,
    activate: setAppStatus('ACTIVE'),
    deactivate: setAppStatus('INACTIVE'),
  }),
  ...collectionRoutes(SCOPE_FAMILY, '/api/v1/apps/:appId/credentials/secrets', 'secretId', {
    list: listSecrets,
    create: createSecret,
    get: (ctx) => json(200, renderSecret(ctx, ctx.params.appId!, getSecret(ctx), false)),
    delete: deleteSecret,
    activate: setSecretStatus('ACTIVE'),
    deactivate: setSecretStatus('INACTIVE'),
  }),
];
