import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionClientCredentials, startEmulator, type EmulatorHandle } from '../../src/emulator/okta/index.js';
import { api, newRsaKey, serviceApp, tokenHook } from '../support/index.js';

// The schemas of Okta's management-minimal.yaml that these answers use, extracted by scripts/okta-schemas.js.
const SCHEMAS = new URL('../fixtures/okta-schemas.json', import.meta.url);

/** OpenAPI 3.0 → JSON Schema for Ajv: drop the keywords Ajv reads differently (discriminator needs oneOf). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    out[key] = toJsonSchema(value);
  }
  // OpenAPI 3.0 allows `nullable` beside a $ref or allOf, which Ajv only accepts next to `type`.
  if ('nullable' in out && out.type === undefined) {
    const nullable = out.nullable === true;
    delete out.nullable;
    if (nullable) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

let validators: (name: string) => ValidateFunction;
let emulator: EmulatorHandle;

beforeAll(async () => {
  const spec = JSON.parse(readFileSync(SCHEMAS, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: 'okta', components: { schemas: toJsonSchema(spec.components.schemas) } });
  validators = (name) => {
    const validate = ajv.getSchema(`okta#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return validate;
  };
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emulator = await startEmulator({ port: 0, rateLimits: 'off' });
});
afterAll(async () => {
  await emulator.stop();
});

/**
 * Okta sends null for these unset app fields (the spec's own examples show `errorRedirectUrl: null`), while
 * the schema types them as plain strings; the emulator keeps Okta's nulls, so drop them before validating.
 */
const NULLS_OKTA_SENDS = [
  'accessibility.errorRedirectUrl',
  'accessibility.loginRedirectUrl',
  'settings.notes.admin',
  'settings.notes.enduser',
  'settings.notifications.vpn.helpUrl',
  'settings.notifications.vpn.message',
  'settings.oauthClient.client_uri',
  'settings.oauthClient.logo_uri',
];

function withoutKnownNulls(body: unknown): unknown {
  const copy = structuredClone(body) as Record<string, any>;
  for (const path of NULLS_OKTA_SENDS) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce<any>((node, key) => node?.[key], copy);
    if (parent && parent[keys.at(-1)!] === null) delete parent[keys.at(-1)!];
  }
  return copy;
}

function expectValid(schema: string, body: unknown): void {
  const validate = validators(schema);
  const ok = validate(withoutKnownNulls(body));
  expect(
    ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
    `${schema}`,
  ).toEqual([]);
}

describe('response bodies match the schemas in management-minimal.yaml', () => {
  it('has a live validator (a wrong shape fails)', () => {
    expect(validators('Error')({ errorCode: 5, errorCauses: 'x' })).toBe(false);
    expect(validators('OAuth2Scope')({ name: 'x', metadataPublish: 'SOMETIMES' })).toBe(false);
  });

  it('apps, secrets and grants', async () => {
    const key = await newRsaKey();
    const app = (await api(emulator, 'POST', '/api/v1/apps', serviceApp('schema-app'))).body;
    expectValid('OpenIdConnectApplication', app);
    expectValid('OpenIdConnectApplication', (await api(emulator, 'GET', `/api/v1/apps/${app.id}`)).body);
    const pkj = (
      await api(emulator, 'POST', '/api/v1/apps', serviceApp('schema-pkj', 'private_key_jwt', [key.publicJwk]))
    ).body;
    expectValid('OpenIdConnectApplication', pkj);
    for (const secret of (await api(emulator, 'GET', `/api/v1/apps/${app.id}/credentials/secrets`)).body)
      expectValid('OAuth2ClientSecret', secret);
    expectValid(
      'OAuth2ClientSecret',
      (await api(emulator, 'POST', `/api/v1/apps/${app.id}/credentials/secrets`, {})).body,
    );
    expectValid(
      'OAuth2ScopeConsentGrant',
      (
        await api(emulator, 'POST', `/api/v1/apps/${pkj.id}/grants`, {
          issuer: emulator.url,
          scopeId: 'okta.apps.read',
        })
      ).body,
    );
  });

  it('authorization servers, keys, scopes, claims, policies and rules', async () => {
    const f = await provisionClientCredentials(emulator.url, emulator.adminToken);
    const base = `/api/v1/authorizationServers/${f.authServerId}`;
    expectValid('AuthorizationServer', (await api(emulator, 'GET', base)).body);
    for (const key of (await api(emulator, 'GET', `${base}/credentials/keys`)).body)
      expectValid('AuthorizationServerJsonWebKey', key);
    for (const scope of (await api(emulator, 'GET', `${base}/scopes`)).body) expectValid('OAuth2Scope', scope);
    expectValid(
      'OAuth2Claim',
      (
        await api(emulator, 'POST', `${base}/claims`, {
          name: 'c',
          claimType: 'RESOURCE',
          valueType: 'EXPRESSION',
          value: '"v"',
          conditions: { scopes: [] },
        })
      ).body,
    );
    expectValid('AuthorizationServerPolicy', (await api(emulator, 'GET', `${base}/policies/${f.policyId}`)).body);
    expectValid(
      'AuthorizationServerPolicyRule',
      (await api(emulator, 'GET', `${base}/policies/${f.policyId}/rules/${f.ruleId}`)).body,
    );
  });

  it('inline hooks, users, groups and errors', async () => {
    const hook = await api(
      emulator,
      'POST',
      '/api/v1/inlineHooks',
      tokenHook('schema hook', {
        uri: 'https://example.com/hook',
        method: 'POST',
        authScheme: { type: 'HEADER', key: 'Authorization', value: 's' },
      }),
    );
    expectValid('InlineHook', hook.body);
    const user = await api(emulator, 'POST', '/api/v1/users', {
      profile: { firstName: 'S', lastName: 'C', email: 's@example.com', login: 's@example.com' },
    });
    expectValid('User', user.body);
    expectValid('Group', (await api(emulator, 'POST', '/api/v1/groups', { profile: { name: 'schema-group' } })).body);
    expectValid('Error', (await api(emulator, 'GET', '/api/v1/apps/nope')).body);
    expectValid('Error', (await api(emulator, 'POST', '/api/v1/apps', {})).body);
  });
});
