/**
 * Issue 19.12: `status` shows a token inline hook attached to the setup's rule (`actions.token.inlineHook.id`,
 * AuthorizationServerPolicyRule in Okta's management API), with its name, status and whether okta-m2m made it (its
 * marker), so that a dead one left by a killed `hook serve --register` is visible; with --exit-code, an attached hook
 * the state does not record is drift (3). Hooks are made through the API (createInlineHook,
 * replaceAuthorizationServerPolicyRule) or by the CLI killed mid-run.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { api, cliPath, describeWithKeychain, tokenHookBody } from '../support/index.js';
import { useInitialisedSetup } from '../support/setup.js';

describeWithKeychain('status and the inline hook on the setup', () => {
  const setup = useInitialisedSetup('hooked-api', 'hooked:read');

  const rulePath = () =>
    `/api/v1/authorizationServers/${setup.okta.authServerId}/policies/${setup.okta.policyId}/rules/${setup.okta.ruleId}`;
  async function setRuleHook(hookId: string | undefined) {
    const rule = (await api(setup.emu, 'GET', rulePath())).body;
    const token = { ...rule.actions.token };
    if (hookId) token.inlineHook = { id: hookId };
    else delete token.inlineHook;
    const put = await api(setup.emu, 'PUT', rulePath(), { ...rule, actions: { ...rule.actions, token } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  const statusJson = async () => {
    const result = await setup.ws.run(['status', '--no-token', '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('no hook: inlineHook is null, and status --exit-code is 0', async () => {
    expect((await statusJson()).inlineHook).toBeNull();
    expect((await setup.ws.run(['status', '--no-token'])).stdout).toMatch(/^inline hook: +none$/m);
    expect((await setup.ws.run(['status', '--no-token', '--exit-code'])).code).toBe(0);
  });

  it('a hook attached by hand: shown as not made by okta-m2m, and drift for --exit-code', async () => {
    const made = await api(
      setup.emu,
      'POST',
      '/api/v1/inlineHooks',
      tokenHookBody('someone-elses-hook', 'https://hooks.example.com/token', 'hand-made-secret-value'),
    );
    expect([200, 201], JSON.stringify(made.body)).toContain(made.status);
    await setRuleHook(made.body.id);
    try {
      expect((await statusJson()).inlineHook).toEqual({
        id: made.body.id,
        name: 'someone-elses-hook',
        status: 'ACTIVE',
        madeByOktaM2m: false,
        recorded: false,
      });
      const text = await setup.ws.run(['status', '--no-token']);
      expect(text.stdout).toMatch(
        new RegExp(
          `^inline hook: +someone-elses-hook \\(${made.body.id}\\), ACTIVE; not made by okta-m2m; not recorded`,
          'm',
        ),
      );
      expect(text.stdout).not.toContain('hand-made-secret-value');
      expect((await setup.ws.run(['status', '--no-token', '--exit-code'])).code).toBe(3);
    } finally {
      await setRuleHook(undefined);
    }
  });

  it("a killed hook serve --register leaves its hook attached: status shows it as okta-m2m's, unrecorded", async () => {
    await writeFile(join(setup.ws.dir, 'policy.json'), JSON.stringify({ [setup.okta.clientId]: ['hooked:read'] }));
    const child = spawn(
      process.execPath,
      [cliPath, 'hook', 'serve', 'token-hook', '--register', '--policy-file', 'policy.json', '--out-dir', 'build'],
      { env: { ...process.env, ...setup.ws.env, NO_COLOR: '1' }, cwd: setup.ws.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => resolve());
      child.once('close', (code) => reject(new Error(`hook serve exited ${code}: ${stderr}`)));
    });
    // No Ctrl-C: the process dies without unregistering.
    child.kill('SIGKILL');
    await closed;

    const hook = (await statusJson()).inlineHook;
    expect(hook).toMatchObject({
      name: 'okta-m2m-token-hook-local',
      status: 'ACTIVE',
      madeByOktaM2m: true,
      recorded: false,
    });
    const text = await setup.ws.run(['status', '--no-token']);
    expect(text.stdout).toMatch(
      /^inline hook: +okta-m2m-token-hook-local .*made by okta-m2m; not recorded: left by a hook serve --register/m,
    );
    expect((await setup.ws.run(['status', '--no-token', '--exit-code'])).code).toBe(3);

    // The hook deploy's record (section hooks of the state) names it: recorded, and no drift.
    const file = join(setup.ws.dir, '.okta-m2m', 'state.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    state.profiles[setup.ws.profile].hooks = {
      'token-hook': { functionName: 'okta-m2m-token-hook', inlineHookId: hook.id, inlineHookName: hook.name },
    };
    await writeFile(file, JSON.stringify(state), { mode: 0o600 });
    expect((await statusJson()).inlineHook).toMatchObject({ id: hook.id, recorded: true });
    expect((await setup.ws.run(['status', '--no-token'])).stdout).toMatch(/; recorded by hook deploy$/m);
    expect((await setup.ws.run(['status', '--no-token', '--exit-code'])).code).toBe(0);
    await setRuleHook(undefined);
  });
});
