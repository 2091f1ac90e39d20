/**
 * Issue 19.4: init finds what a concurrent or crashed run left, and offers to remove it: a second access policy with
 * okta-m2m's marker and the setup's name (with its rule), a second rule of the setup's name in its policy, a second
 * active client secret the keychain does not hold. Unmarked objects are never touched, and a rotation's second
 * secret is not an orphan. The orphans are made here as such a run would: through the API (listOAuth2ClientSecrets,
 * createOAuth2ClientSecret, createAuthorizationServerPolicy, createAuthorizationServerPolicyRule).
 */
import { expect, it } from 'vitest';
import { OWNERSHIP_MARKER } from '../../src/okta/setup/ownership.js';
import { api, describeWithKeychain, managementWrites } from '../support/index.js';
import { useInitialisedSetup } from '../support/setup.js';
import { activeSecrets as activeSecretsOf, expectSettled } from '../support/setup-checks.js';

describeWithKeychain('init and orphans left by an earlier run', () => {
  const setup = useInitialisedSetup('orphan-api', 'orphan:read');

  const policies = async () =>
    (await api(setup.emu, 'GET', `/api/v1/authorizationServers/${setup.okta.authServerId}/policies`)).body as any[];
  const rulesOf = async (policyId: string) =>
    (await api(setup.emu, 'GET', `/api/v1/authorizationServers/${setup.okta.authServerId}/policies/${policyId}/rules`))
      .body as any[];
  const activeSecrets = () => activeSecretsOf(setup);

  const created = (response: { status: number }) => response.status === 200 || response.status === 201;

  function rule(name: string) {
    return {
      type: 'RESOURCE_ACCESS',
      name,
      conditions: {
        people: { groups: { include: ['EVERYONE'] } },
        grantTypes: { include: ['client_credentials'] },
        scopes: { include: ['orphan:read'] },
      },
      actions: { token: { accessTokenLifetimeMinutes: 60 } },
    };
  }

  /** A rule named as the setup's own, made in this policy as an earlier run would have made it. */
  const ruleLike = async (policyId: string) =>
    api(
      setup.emu,
      'POST',
      `/api/v1/authorizationServers/${setup.okta.authServerId}/policies/${policyId}/rules`,
      rule((await rulesOf(setup.okta.policyId))[0].name),
    );

  it(
    'dry-run lists them as orphans; init --yes removes them and nothing unmarked; a re-run makes 0 writes',
    { timeout: 120_000 },
    async () => {
      const recordedPolicy = (await policies()).find((p) => p.id === setup.okta.policyId);
      expect(recordedPolicy.description).toContain(OWNERSHIP_MARKER);
      const policyBody = (description: string) => ({
        type: 'OAUTH_AUTHORIZATION_POLICY',
        name: recordedPolicy.name,
        description,
        priority: 1,
        conditions: { clients: { include: [setup.okta.clientId] } },
      });
      // What a second, concurrent init made: its policy (marked) and rule, and a second secret of the app.
      const orphanPolicy = await api(
        setup.emu,
        'POST',
        `/api/v1/authorizationServers/${setup.okta.authServerId}/policies`,
        policyBody(recordedPolicy.description),
      );
      expect(created(orphanPolicy), JSON.stringify(orphanPolicy.body)).toBe(true);
      const orphanPolicyRule = await ruleLike(orphanPolicy.body.id);
      expect(created(orphanPolicyRule), JSON.stringify(orphanPolicyRule.body)).toBe(true);
      // A crashed run that got as far as a second rule in the recorded policy.
      const orphanRule = await ruleLike(setup.okta.policyId);
      expect(created(orphanRule), JSON.stringify(orphanRule.body)).toBe(true);
      const orphanSecret = await api(setup.emu, 'POST', `/api/v1/apps/${setup.okta.appId}/credentials/secrets`, {
        status: 'ACTIVE',
      });
      expect(created(orphanSecret), JSON.stringify(orphanSecret.body)).toBe(true);
      // Someone's own policy of the same name, without the marker: never touched.
      const handMade = await api(
        setup.emu,
        'POST',
        `/api/v1/authorizationServers/${setup.okta.authServerId}/policies`,
        policyBody('made by hand'),
      );
      expect(created(handMade)).toBe(true);
      expect(await activeSecrets()).toHaveLength(2);

      setup.emu.clearRequestLog();
      const dryRun = await setup.ws.run(['init', '--dry-run', '--json']);
      expect(dryRun.code, dryRun.stderr).toBe(0);
      expect(managementWrites(setup.emu.requestLog)).toEqual([]);
      const orphans = (JSON.parse(dryRun.stdout).items as any[]).filter((i) => i.kind === 'orphan');
      expect(orphans.map((o) => [o.id, o.action]).sort()).toEqual(
        [
          [orphanPolicy.body.id, 'delete'],
          [orphanRule.body.id, 'delete'],
          [orphanSecret.body.id, 'delete'],
        ].sort(),
      );
      expect(orphans.every((o) => /left by an earlier run/.test(o.changes.join(' ')))).toBe(true);
      expect(dryRun.stdout).not.toContain(handMade.body.id);
      expect(JSON.stringify(JSON.parse(dryRun.stdout))).not.toContain(orphanSecret.body.client_secret);

      // The plan as a person sees it, and status counts them as drift.
      const text = await setup.ws.run(['init', '--dry-run']);
      expect(text.stdout).toMatch(/- remove +orphan access policy .+ \(\w+\)/);
      expect(text.stdout).toMatch(/- remove +orphan client secret \(\w+\)/);
      const status = await setup.ws.run(['status', '--no-token', '--exit-code']);
      expect(status.code, status.stderr).toBe(3);

      // Without --yes and without a terminal: refused, nothing removed.
      const noYes = await setup.ws.run(['init']);
      expect(noYes.code).toBe(2);
      expect(await activeSecrets()).toHaveLength(2);

      setup.emu.clearRequestLog();
      const applied = await setup.ws.run(['init', '--yes']);
      expect(applied.code, applied.stderr).toBe(0);
      expect(
        managementWrites(setup.emu.requestLog)
          .map((e) => `${e.method} ${e.path}`)
          .sort(),
      ).toEqual(
        [
          `DELETE /api/v1/authorizationServers/${setup.okta.authServerId}/policies/${orphanPolicy.body.id}`,
          `DELETE /api/v1/authorizationServers/${setup.okta.authServerId}/policies/${setup.okta.policyId}/rules/${orphanRule.body.id}`,
          `POST /api/v1/apps/${setup.okta.appId}/credentials/secrets/${orphanSecret.body.id}/lifecycle/deactivate`,
          `DELETE /api/v1/apps/${setup.okta.appId}/credentials/secrets/${orphanSecret.body.id}`,
        ].sort(),
      );
      const left = await policies();
      expect(left.map((p) => p.id).sort()).toEqual([setup.okta.policyId, handMade.body.id].sort());
      expect((await rulesOf(setup.okta.policyId)).map((r) => r.id)).toEqual([setup.okta.ruleId]);
      const secrets = await activeSecrets();
      expect(secrets.map((s) => s.id)).not.toContain(orphanSecret.body.id);
      expect(secrets).toHaveLength(1);
      // The secret left is the keychain's: a token can still be had.
      await expectSettled(setup);
      expect((await setup.ws.run(['status', '--no-token', '--exit-code'])).code).toBe(0);
    },
  );

  it('a rotation in progress: its second secret is not an orphan', { timeout: 60_000 }, async () => {
    const started = await setup.ws.run(['rotate', 'secret', '--yes']);
    expect(started.code, started.stderr).toBe(0);
    expect(await activeSecrets()).toHaveLength(2);
    const dryRun = await setup.ws.run(['init', '--dry-run', '--json']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect((JSON.parse(dryRun.stdout).items as any[]).filter((i) => i.kind === 'orphan')).toEqual([]);
    setup.emu.clearRequestLog();
    const init = await setup.ws.run(['init', '--yes']);
    expect(init.code, init.stderr).toBe(0);
    expect(managementWrites(setup.emu.requestLog)).toEqual([]);
    expect(await activeSecrets()).toHaveLength(2);
    const finished = await setup.ws.run(['rotate', 'secret', '--finish', '--yes']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(await activeSecrets()).toHaveLength(1);
  });
});
