// Issue 15.1: `hook deploy` and `hook remove` attach and detach the token inline hook only on a policy rule of this
// setup. A tampered state file naming a hand-made rule (of another access policy) is refused before anything is
// written, and that rule is left as it was. The CLI runs in this process (AWS is aws-sdk-client-mock through the
// context's factories, the one mock allowed); Okta is the emulator over HTTP; the secret goes to the test keychain.
import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { hookDeployArgs, useHookProject } from '../support/hook-project.js';
import { api, describeWithKeychain, writeMethods } from '../support/index.js';

const project = useHookProject('hook-owner');
const { cli, stateFile } = project;
async function editState(edit: (profile: Record<string, any>) => void): Promise<void> {
  const doc = JSON.parse(await readFile(stateFile(), 'utf8'));
  edit(doc.profiles.default);
  await writeFile(stateFile(), JSON.stringify(doc));
}
const rulePath = (policyId: string, ruleId: string) =>
  `/api/v1/authorizationServers/${project.fixture.authServerId}/policies/${policyId}/rules/${ruleId}`;

/** A production policy and rule on the setup's server, made by hand (no marker), named as given. */
async function handMadeRule(policyName: string, ruleName: string): Promise<{ policyId: string; ruleId: string }> {
  const policy = await api(
    project.emu,
    'POST',
    `/api/v1/authorizationServers/${project.fixture.authServerId}/policies`,
    {
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name: policyName,
      description: 'production, made by hand',
      conditions: { clients: { include: ['ALL_CLIENTS'] } },
    },
  );
  expect(policy.status, JSON.stringify(policy.body)).toBe(201);
  const rule = await api(project.emu, 'POST', rulePath(policy.body.id, '').replace(/\/$/, ''), {
    type: 'RESOURCE_ACCESS',
    name: ruleName,
    conditions: {
      grantTypes: { include: ['client_credentials'] },
      scopes: { include: ['*'] },
      people: { groups: { include: ['EVERYONE'] } },
    },
    actions: { token: { accessTokenLifetimeMinutes: 60 } },
  });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  return { policyId: policy.body.id, ruleId: rule.body.id };
}
const ruleNow = async (ref: { policyId: string; ruleId: string }) =>
  (await api(project.emu, 'GET', rulePath(ref.policyId, ref.ruleId))).body;

describeWithKeychain('hook deploy and hook remove act only on the rule of this setup', () => {
  it.each([
    [
      'a policy and rule of other names',
      'production policy',
      'production rule',
      /"production rule", not this setup's/,
      'ruleId',
    ],
    [
      "an unmarked policy and rule of init's names",
      'okta-m2m client credentials',
      'okta-m2m client credentials',
      /policy "okta-m2m client credentials" \(\w+\) exists and was not made by okta-m2m[^]*--adopt/,
      'policyId',
    ],
  ])(
    'hook deploy refuses a state whose rule is %s, and writes nothing',
    { timeout: 60_000 },
    async (_what, policyName, ruleName, message, named) => {
      const prod = await handMadeRule(policyName, ruleName);
      const before = await ruleNow(prod);
      await editState((profile) => Object.assign(profile.okta, prod));
      project.emu.clearRequestLog();
      project.aws.reset();

      const run = await cli(hookDeployArgs('token-hook', '--policy-file', 'policy.json'));
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(prod[named as keyof typeof prod]);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/nothing was changed/);
      expect(run.stderr).toMatch(/--no-okta/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(writeMethods(project.emu.requestLog)).toEqual([]);
      expect(project.aws.writes()).toEqual([]);
      expect(await ruleNow(prod)).toEqual(before);
    },
  );

  it(
    "hook remove refuses a recorded rule that is not the setup's, and leaves it as it was",
    { timeout: 90_000 },
    async () => {
      const deployed = await cli(['--json', ...hookDeployArgs('token-hook', '--policy-file', 'policy.json')]);
      expect(deployed.code, deployed.stderr).toBe(0);
      const hookId = JSON.parse(deployed.stdout).inlineHookId as string;
      // Production uses the same hook on its own rule (attached by hand): detaching it there would break production.
      const prod = await handMadeRule('production policy', 'production rule');
      const current = await ruleNow(prod);
      const body = { ...current };
      for (const readOnly of ['_links', 'created', 'lastUpdated']) delete body[readOnly];
      body.actions.token.inlineHook = { id: hookId };
      expect((await api(project.emu, 'PUT', rulePath(prod.policyId, prod.ruleId), body)).status).toBe(200);
      const before = await ruleNow(prod);
      await editState((profile) => {
        Object.assign(profile.okta, prod);
        profile.hooks['token-hook'].rule = { authServerId: project.fixture.authServerId, ...prod };
      });
      project.emu.clearRequestLog();
      project.aws.reset();

      const run = await cli(['hook', 'remove', 'token-hook', '--yes']);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(prod.ruleId);
      expect(run.stderr).toMatch(/"production rule", not this setup's/);
      expect(writeMethods(project.emu.requestLog)).toEqual([]);
      expect(project.aws.writes()).toEqual([]);
      expect(project.aws.functions.size).toBe(1);
      expect(project.emu.state.inlineHooks.get(hookId)).toBeDefined();
      expect(await ruleNow(prod)).toEqual(before);
      expect((await ruleNow(prod)).actions.token.inlineHook).toEqual({ id: hookId });
    },
  );

  it('hook deploy refuses a rule when the state names no setup to check it against', { timeout: 60_000 }, async () => {
    await editState((profile) => delete profile.okta.spec);
    project.emu.clearRequestLog();
    const run = await cli(hookDeployArgs('token-hook', '--policy-file', 'policy.json'));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/no okta-m2m setup it belongs to; nothing was changed/);
    expect(writeMethods(project.emu.requestLog)).toEqual([]);
    expect(project.aws.writes()).toEqual([]);
  });
});
