import { getApp } from './app-lookup.js';
import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import { isObject, json, noContent, type HandlerResult, type Json } from '../core/http-io.js';
import { link, type RequestContext, type Route } from './context.js';
import { notFound, validationError } from './errors.js';
import { oktaTimestamp, randomAlphanumeric } from './ids.js';
import type { Stored } from './state.js';
import { readObjectBody } from './validation.js';
import { collectionRoutes } from './resource-routes.js';

/**
 * An app's JSON Web Keys (`settings.oauthClient.jwks.keys`) and the app JWKS API
 * (`/api/v1/apps/{appId}/credentials/jwks`, operations listJwk, addJwk, getJwk, deletejwk,
 * activateOAuth2ClientJsonWebKey, deactivateOAuth2ClientJsonWebKey). Each key is stored as Okta returns it:
 * the public JWK plus `id`, `status`, `created` and `lastUpdated`.
 */

/** ErrorClientJsonWebKeyTooManyKids: "the maximum number of keys allowed (50)". */
const MAX_CLIENT_KEYS = 50;
/** ErrorClientJsonWebKeyKidLengthTooShort: "RSA key length ... is less than '2,048' bits". */
const MIN_RSA_BITS = 2048;
const OKTA_KEY_FIELDS = new Set(['id', 'status', 'created', 'lastUpdated', '_links']);

type KeyStatus = 'ACTIVE' | 'INACTIVE';

function storedKeys(app: Stored): Json[] {
  const keys: unknown = app.settings?.oauthClient?.jwks?.keys;
  return Array.isArray(keys) ? (keys as Json[]) : [];
}

/** The public JWKs Okta verifies a client assertion with: the app's ACTIVE signing keys only. */
export function activeClientKeys(app: Stored): JWK[] {
  return storedKeys(app)
    .filter((key) => key.status !== 'INACTIVE' && key.use !== 'enc')
    .map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !OKTA_KEY_FIELDS.has(name))) as JWK);
}

/** One key the way Okta checks it: a public RSA (at least 2048 bits) or EC signing key. */
function checkKey(key: unknown, what: string): asserts key is Json {
  if (!isObject(key) || !['RSA', 'EC'].includes(key.kty))
    throw validationError(what, `${what}: Each key must be a public RSA or EC JSON Web Key.`);
  if (key.d !== undefined) throw validationError(what, `${what}: A private key is not allowed.`);
  if (key.kid !== undefined && key.kid !== null && typeof key.kid !== 'string')
    throw validationError(what, `${what}: 'kid' must be a string.`);
  if (key.status !== undefined && key.status !== 'ACTIVE' && key.status !== 'INACTIVE')
    throw validationError(what, `${what}: 'status' must be ACTIVE or INACTIVE.`);
  if (key.use === 'enc') {
    throw validationError(
      what,
      `${what}: The emulator supports only signing keys ('use': 'sig') in an app's JWKS; Okta also takes encryption keys.`,
    );
  }
  if (key.use !== undefined && key.use !== 'sig') throw validationError(what, `${what}: 'use' must be 'sig'.`);
  let details: { modulusLength?: number } | undefined;
  try {
    const publicJwk = Object.fromEntries(
      Object.entries(key).filter(([name]) => ['kty', 'n', 'e', 'crv', 'x', 'y'].includes(name)),
    );
    details = createPublicKey({ key: publicJwk as never, format: 'jwk' }).asymmetricKeyDetails;
  } catch {
    throw validationError(what, `${what}: Each key must be a public RSA or EC JSON Web Key.`);
  }
  if (key.kty === 'RSA' && (details?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw validationError(what, "RSA key length in the 'jwks' is less than '2,048' bits for the given key.");
  }
}

function checkKeySet(keys: Json[], what: string): void {
  if (keys.length > MAX_CLIENT_KEYS) {
    throw validationError(
      what,
      `You can't create a new key. You have reached the maximum number of keys allowed (${MAX_CLIENT_KEYS}). To add another key, you must first delete an existing one.`,
    );
  }
  if (keys.length > 1 && keys.some((k) => typeof k.kid !== 'string' || k.kid === '')) {
    throw validationError(
      what,
      'Each key should have a unique kid when adding multiple keys. Use the Apps API to update the JWKS to add a kid for the existing key, or delete the existing key and re-add the key with a kid using the JWKS APIs.',
    );
  }
  const kids = keys.map((k) => k.kid).filter((kid) => typeof kid === 'string');
  if (new Set(kids).size !== kids.length)
    throw validationError(what, "All keys in the 'jwks' must have a unique `kid`.");
}

function newKeyId(): string {
  return 'pks' + randomAlphanumeric(17);
}

function toStoredKey(key: Json, previous: Json | undefined, now: string): Json {
  const publicMembers = Object.fromEntries(Object.entries(key).filter(([name]) => !OKTA_KEY_FIELDS.has(name)));
  const status: KeyStatus = key.status ?? previous?.status ?? 'ACTIVE';
  return {
    id: previous?.id ?? newKeyId(),
    ...publicMembers,
    status,
    created: previous?.created ?? now,
    lastUpdated: previous && previous.status === status ? previous.lastUpdated : now,
  };
}

/**
 * The keys an app create or replace stores (`settings.oauthClient.jwks.keys`): each checked as Okta does, keys
 * kept from before (same `id` or `kid`) keep their id and timestamps, new ones get an id and are ACTIVE unless
 * the body says otherwise.
 */
export function storedClientJwks(bodyKeys: unknown[], existing: Json[]): Json[] {
  bodyKeys.forEach((key) => checkKey(key, 'jwks'));
  const keys = bodyKeys as Json[];
  checkKeySet(keys, 'jwks');
  const now = oktaTimestamp();
  return keys.map((key) =>
    toStoredKey(
      key,
      existing.find((e) => (key.id && e.id === key.id) || (key.kid && e.kid === key.kid)),
      now,
    ),
  );
}

export function existingClientJwks(app: Stored | undefined): Json[] {
  return app ? storedKeys(app) : [];
}

// --- the app JWKS API -----------------------------------------------------------------------------------

function getKey(ctx: RequestContext): { app: Stored; key: Json } {
  const app = getApp(ctx);
  const key = storedKeys(app).find((k) => k.id === ctx.params.keyId);
  if (!key) throw notFound(`${ctx.params.keyId} (JsonWebKey)`);
  return { app, key };
}

function renderKey(ctx: RequestContext, appId: string, key: Json): Json {
  const base = `${ctx.orgUrl}/api/v1/apps/${appId}/credentials/jwks/${key.id}`;
  return {
    ...structuredClone(key),
    _links:
      key.status === 'ACTIVE'
        ? { deactivate: link(`${base}/lifecycle/deactivate`, ['POST']) }
        : { activate: link(`${base}/lifecycle/activate`, ['POST']), delete: link(base, ['DELETE']) },
  };
}

function saveKeys(ctx: RequestContext, app: Stored, keys: Json[]): void {
  const updated: Stored = structuredClone(app);
  updated.settings.oauthClient.jwks = { ...(updated.settings.oauthClient.jwks ?? {}), keys };
  updated.lastUpdated = oktaTimestamp();
  ctx.state.apps.replace(updated);
  ctx.changed();
}

function addKey(ctx: RequestContext): HandlerResult {
  const app = getApp(ctx);
  const body = readObjectBody(ctx);
  checkKey(body, 'JsonWebKey');
  const keys = storedKeys(app);
  checkKeySet([...keys, body], 'JsonWebKey');
  const key = toStoredKey(body, undefined, oktaTimestamp());
  saveKeys(ctx, app, [...keys, key]);
  return json(201, renderKey(ctx, app.id, key));
}

function deleteKey(ctx: RequestContext): HandlerResult {
  const { app, key } = getKey(ctx);
  if (key.status === 'ACTIVE')
    throw validationError(
      'JsonWebKey',
      "You can't delete an active JSON Web Key. Deactivate the key before deleting it.",
    );
  saveKeys(
    ctx,
    app,
    storedKeys(app).filter((k) => k.id !== key.id),
  );
  return noContent();
}

function setKeyStatus(status: KeyStatus) {
  return (ctx: RequestContext): HandlerResult => {
    const { app, key } = getKey(ctx);
    if (
      status === 'INACTIVE' &&
      key.status === 'ACTIVE' &&
      app.credentials?.oauthClient?.token_endpoint_auth_method === 'private_key_jwt'
    ) {
      if (storedKeys(app).filter((k) => k.status === 'ACTIVE').length === 1) {
        throw validationError(
          'JsonWebKey',
          "Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is `private_key_jwt`.",
        );
      }
    }
    if (key.status === status) return json(200, renderKey(ctx, app.id, key));
    const updated = { ...key, status, lastUpdated: oktaTimestamp() };
    saveKeys(
      ctx,
      app,
      storedKeys(app).map((k) => (k.id === key.id ? updated : k)),
    );
    return json(200, renderKey(ctx, app.id, updated));
  };
}

export const appJwksRoutes: Route[] = collectionRoutes('okta.apps', '/api/v1/apps/:appId/credentials/jwks', 'keyId', {
  list: (ctx) =>
    json(
      200,
      storedKeys(getApp(ctx)).map((k) => renderKey(ctx, ctx.params.appId!, k)),
    ),
  create: addKey,
  get: (ctx) => {
    const { app, key } = getKey(ctx);
    return json(200, renderKey(ctx, app.id, key));
  },
  delete: deleteKey,
  activate: setKeyStatus('ACTIVE'),
  deactivate: setKeyStatus('INACTIVE'),
});
