import type { OktaClient } from '../../src/okta/client.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startEmulator,
  provisionClientCredentials,
  type ClientCredentialsFixture,
  type EmulatorHandle,
} from '../../src/emulator/okta/index.js';
import { createOktaClient } from '../../src/okta/client.js';
import {
  attachInlineHook,
  deleteInlineHook,
  detachInlineHook,
  ensureInlineHook,
  findTokenHook,
  findTokenHooksByName,
  readRule,
  ruleHookId,
  TOKEN_HOOK_TYPE,
  type RuleRef,
} from '../../src/okta/resources/inline-hooks.js';

// The token inline hook and its attachment to a policy rule, against the Okta emulator over real HTTP.
let emu: EmulatorHandle;
let client: OktaClient;
let fixture: ClientCredentialsFixture;
let rule: RuleRef;

const SECRET = 'hook-Secret-canary-0123456789abcdefghijklmn';
const URI = 'https://abc123.lambda-url.eu-west-1.on.aws/';

beforeAll(async () => {
  // Not about rate limits (fidelity.test.ts and e2e/sync-limits.test.ts are): Okta's per-plan limits off.
  emu = await startEmulator({ port: 0, rateLimits: 'off' });
  client = await createOktaClient({ orgUrl: emu.url, mode: 'ssws', token: emu.adminToken });
});
afterAll(() => emu.stop());

beforeEach(async () => {
  fixture = await provisionClientCredentials(emu.url, emu.adminToken);
  rule = { authServerId: fixture.authServerId, policyId: fixture.policyId, ruleId: fixture.ruleId };
  emu.clearRequestLog();
});

const writes = () => emu.requestLog.filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.path}`);

describe('ensureInlineHook', () => {
  it('creates an active HTTP 1.0.0 token hook with the header secret, then leaves it alone', async () => {
    const name = `hook-${Math.random().toString(36).slice(2)}`;
    const created = await ensureInlineHook(client, { name, uri: URI, secret: SECRET }, { secretChanged: true });
    expect(created.action).toBe('created');
    expect(created.hook).toMatchObject({
      name,
      type: TOKEN_HOOK_TYPE,
      status: 'ACTIVE',
      uri: URI,
      channelType: 'HTTP',
      version: '1.0.0',
    });
    // Okta never returns the value, and reports type and key in lowercase.
    expect(created.hook.authType).toBe('header');
    expect(created.hook.authKey).toBe('authorization');
    expect(emu.state.inlineHookAuthValues.get(created.hook.id)).toBe(SECRET);
    expect(JSON.stringify(created)).not.toContain(SECRET);

    emu.clearRequestLog();
    const existing = await findTokenHook(client, name);
    expect(existing?.id).toBe(created.hook.id);
    const again = await ensureInlineHook(
      client,
      { name, uri: URI, secret: SECRET },
      { existing, secretChanged: false },
    );
    expect(again.action).toBe('unchanged');
    expect(writes()).toEqual([]);
  });

  it('puts the secret when it is new, and the uri when it changed', async () => {
    const name = `hook-${Math.random().toString(36).slice(2)}`;
    const { hook } = await ensureInlineHook(client, { name, uri: URI, secret: SECRET }, { secretChanged: true });
    emu.clearRequestLog();
    const rotated = await ensureInlineHook(
      client,
      { name, uri: URI, secret: 'another-secret-value-xyz' },
      { existing: hook, secretChanged: true },
    );
    expect(rotated.action).toBe('updated');
    expect(rotated.changes).toEqual(['shared secret']);
    expect(writes()).toEqual([`PUT /api/v1/inlineHooks/${hook.id}`]);
    expect(emu.state.inlineHookAuthValues.get(hook.id)).toBe('another-secret-value-xyz');

    const moved = await ensureInlineHook(
      client,
      { name, uri: 'https://def456.lambda-url.eu-west-1.on.aws/', secret: 'another-secret-value-xyz' },
      { existing: rotated.hook, secretChanged: false },
    );
    expect(moved.action).toBe('updated');
    expect(moved.changes).toEqual(['uri']);
    expect(moved.hook.uri).toBe('https://def456.lambda-url.eu-west-1.on.aws/');
  });

  it('activates an inactive hook', async () => {
    const name = `hook-${Math.random().toString(36).slice(2)}`;
    const { hook } = await ensureInlineHook(client, { name, uri: URI, secret: SECRET }, { secretChanged: true });
    await client.call('POST', `/api/v1/inlineHooks/${hook.id}/lifecycle/deactivate`);
    const existing = await findTokenHook(client, name, hook.id);
    expect(existing?.status).toBe('INACTIVE');
    const ensured = await ensureInlineHook(
      client,
      { name, uri: URI, secret: SECRET },
      { existing, secretChanged: false },
    );
    expect(ensured).toMatchObject({ action: 'unchanged', activated: true });
    expect(ensured.hook.status).toBe('ACTIVE');
  });

  it('finds by exact name only (list matches are not trusted)', async () => {
    const name = `exact-${Math.random().toString(36).slice(2)}`;
    await ensureInlineHook(client, { name: `${name}-longer`, uri: URI, secret: SECRET }, { secretChanged: true });
    expect(await findTokenHooksByName(client, name)).toEqual([]);
    expect(await findTokenHook(client, name, 'no-such-id')).toBeUndefined();
  });
});

describe('the policy rule', () => {
  it('attaches (GET + PUT), is idempotent, keeps the rest of the rule, detaches', async () => {
    const { hook } = await ensureInlineHook(
      client,
      { name: `rule-${fixture.ruleId}`, uri: URI, secret: SECRET },
      { secretChanged: true },
    );
    const before = await readRule(client, rule);
    emu.clearRequestLog();

    expect(await attachInlineHook(client, rule, hook.id)).toBe('attached');
    expect(writes()).toEqual([
      `PUT /api/v1/authorizationServers/${rule.authServerId}/policies/${rule.policyId}/rules/${rule.ruleId}`,
    ]);
    const attached = await readRule(client, rule);
    expect(ruleHookId(attached)).toBe(hook.id);
    expect(attached?.conditions).toEqual(before?.conditions);
    expect(attached?.actions?.token?.accessTokenLifetimeMinutes).toBe(
      before?.actions?.token?.accessTokenLifetimeMinutes,
    );
    expect(attached?.name).toBe(before?.name);

    emu.clearRequestLog();
    expect(await attachInlineHook(client, rule, hook.id)).toBe('unchanged');
    expect(writes()).toEqual([]);

    // Detach leaves a rule attached to another hook alone.
    expect(await detachInlineHook(client, rule, 'some-other-hook')).toBe('unchanged');
    expect(await detachInlineHook(client, rule, hook.id)).toBe('detached');
    expect(ruleHookId(await readRule(client, rule))).toBeUndefined();
    expect(await detachInlineHook(client, { ...rule, ruleId: 'gone' }, hook.id)).toBe('missing');
  });

  it('deletes a hook (deactivating first); a second delete is a no-op', async () => {
    const { hook } = await ensureInlineHook(
      client,
      { name: `del-${fixture.ruleId}`, uri: URI, secret: SECRET },
      { secretChanged: true },
    );
    emu.clearRequestLog();
    expect(await deleteInlineHook(client, hook.id)).toBe(true);
    expect(writes()).toEqual([
      `POST /api/v1/inlineHooks/${hook.id}/lifecycle/deactivate`,
      `DELETE /api/v1/inlineHooks/${hook.id}`,
    ]);
    expect(await deleteInlineHook(client, hook.id)).toBe(false);
  });

  it('a missing rule is a NotFoundError with a hint to run init', async () => {
    const { hook } = await ensureInlineHook(
      client,
      { name: `nf-${fixture.ruleId}`, uri: URI, secret: SECRET },
      { secretChanged: true },
    );
    await expect(attachInlineHook(client, { ...rule, ruleId: 'nope' }, hook.id)).rejects.toThrow(/no longer exists/);
  });
});
