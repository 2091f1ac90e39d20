import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { hookDeployArgs, useHookProject } from '../support/hook-project.js';
import { describeWithKeychain, runCliInProcess } from '../support/index.js';
import { scimTokenEncodeArgs } from '../support/scim-token.js';

// `okta-m2m hook deploy / remove` as a command, in this process: the AWS clients are the in-memory fake (through the
// context's client factories), Okta is the emulator over HTTP (the profile's API token from $OKTA_M2M_API_TOKEN), the
// shared secret goes to the real keychain under a test service.

const project = useHookProject('hook');
const { cli } = project;
/** The keychain entry, read a few times: a Secret Service under heavy load can answer late. */
async function stored(account: string): Promise<string | undefined> {
  for (let attempt = 0; ; attempt += 1) {
    const value = await project.keychain.get(account).catch(() => undefined);
    if (value !== undefined || attempt === 3) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}
const stateOf = async () => JSON.parse(await readFile(project.stateFile(), 'utf8'));

describeWithKeychain('okta-m2m hook deploy', () => {
  it('token-hook: plan on stderr, result as JSON, the zip `hook build` made, secret only in keychain/function/Okta', async () => {
    const build = await cli(['--json', 'hook', 'build', 'token-hook']);
    expect(build.code, build.stderr).toBe(0);
    const built = JSON.parse(build.stdout) as { zipPath: string; sha256: string; size: number };
    expect(built.zipPath).toBe(join(project.cwd, 'build', 'token-hook.zip'));

    const run = await cli(['--json', ...hookDeployArgs('token-hook', '--policy-file', 'policy.json')]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      template: 'token-hook',
      functionName: 'okta-m2m-token-hook',
      region: 'eu-west-1',
      functionUrl: 'https://okta-m2m-token-hookabc.lambda-url.eu-west-1.on.aws/',
      codeSha256: Buffer.from(built.sha256, 'hex').toString('base64'),
      dryRun: false,
      changed: true,
    });
    const create = project.aws.inputs.find((i) => i.call === 'lambda:CreateFunction')!.input as Record<string, any>;
    expect(
      createHash('sha256')
        .update(create.Code.ZipFile as Uint8Array)
        .digest('hex'),
    ).toBe(built.sha256);
    expect(create.Environment.Variables.POLICY).toBe('{"0oa-caller":["api.read"]}');

    const secret = (await stored('default/hook-secret:token-hook'))!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(create.Environment.Variables.HOOK_SECRET).toBe(secret);
    expect(project.emu.state.inlineHookAuthValues.get(result.inlineHookId)).toBe(secret);
    for (const text of [run.stdout, run.stderr, JSON.stringify(await stateOf())]) expect(text).not.toContain(secret);
    expect((await stateOf()).profiles.default.hooks['token-hook']).toMatchObject({
      inlineHookId: result.inlineHookId,
      roleCreated: true,
    });

    // Again, in the human form: nothing to change, no write to AWS or Okta.
    project.aws.reset();
    project.emu.clearRequestLog();
    const again = await cli(['hook', 'deploy', 'token-hook']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('nothing to change');
    expect(again.stdout).toContain('https://okta-m2m-token-hookabc.lambda-url.eu-west-1.on.aws/');
    expect(project.aws.writes()).toEqual([]);
    expect(project.emu.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);

    // --dry-run shows an update and makes none.
    project.aws.reset();
    const dry = await cli(['hook', 'deploy', 'token-hook', '--memory', '512', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/update\s+function configuration\s+okta-m2m-token-hook\s+memory \(MB\): 256 -> 512/);
    expect(project.aws.writes()).toEqual([]);

    // --zip deploys that exact file; here it holds the same build, so nothing changes.
    project.aws.reset();
    const zipped = await cli(['hook', 'deploy', 'token-hook', '--zip', built.zipPath]);
    expect(zipped.code, zipped.stderr).toBe(0);
    expect(project.aws.writes()).toEqual([]);

    // remove without --yes and no terminal: a usage error, nothing removed.
    const refused = await cli(['hook', 'remove', 'token-hook']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(project.aws.functions.size).toBe(1);

    const removed = await cli(['hook', 'remove', 'token-hook', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(project.aws.functions.size + project.aws.roles.size).toBe(0);
    expect(project.emu.state.inlineHooks.get(result.inlineHookId)).toBeUndefined();
    expect(await project.keychain.get('default/hook-secret:token-hook')).toBeUndefined();
    expect((await stateOf()).profiles.default.hooks).toBeUndefined();
  }, 90_000);

  it('scim-bridge: prints the SCIM base URL and the scim-token command', async () => {
    const run = await cli(hookDeployArgs('scim-bridge', '--allowed-host', 'scim.example.com'));
    expect(run.code, run.stderr).toBe(0);
    const url = 'https://okta-m2m-scim-bridgeabc.lambda-url.eu-west-1.on.aws/';
    expect(run.stdout).toContain(`${url}scim.example.com/services/scim/v2`);
    expect(run.stdout).toContain(
      `okta-m2m scim-token encode --seal --token-url ${project.fixture.tokenUrl} --client-id ${project.fixture.clientId} --client-secret-stdin --scope ${project.fixture.scope} --bridge-url ${url} --target scim.example.com`,
    );
    expect(await project.keychain.get('default/hook-secret:scim-bridge')).toBeUndefined();
    // The bridge key: its public half recorded, so the printed command seals to what the function can open.
    const record = (await stateOf()).profiles.default.scimBridge;
    expect(run.stdout).toContain(`bridge key:   ${record.kid} (private half: the function's environment)`);
    const sealed = await runCliInProcess(
      scimTokenEncodeArgs(
        project.fixture.tokenUrl,
        project.fixture.clientId,
        '--seal',
        '--client-secret',
        'hook-deploy-sealed',
      ),
      { cwd: project.cwd, env: project.env },
    );
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stderr).toContain(
      `sealed to the bridge key ${record.kid} (recorded by hook deploy of okta-m2m-scim-bridge (eu-west-1))`,
    );
    const { sealedTokenOpener } = await import('../../src/scim/sealed-token.js');
    const opener = await sealedTokenOpener(
      project.aws.functions.get('okta-m2m-scim-bridge')!.config.Environment!.Variables!.BRIDGE_PRIVATE_KEY,
    );
    expect(await opener.open(sealed.stdout.trim())).toMatchObject({
      clientId: project.fixture.clientId,
      clientSecret: 'hook-deploy-sealed',
    });
  });

  it('usage errors exit 2: unknown template, a token-hook flag on the bridge, a bad --env, no policy', async () => {
    for (const args of [
      hookDeployArgs('nope'),
      hookDeployArgs('scim-bridge', '--allowed-host', 'a.example.com', '--issuer', 'https://x'),
      hookDeployArgs('scim-bridge', '--allowed-host', 'a.example.com', '--env', 'HOOK_SECRET=x'),
      hookDeployArgs('token-hook', '--no-okta'),
      hookDeployArgs('token-hook', '--arch', 'mips'),
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
    }
    expect(project.aws.writes()).toEqual([]);
  });

  it('--no-okta deploys the function only', async () => {
    project.emu.clearRequestLog();
    const run = await cli(hookDeployArgs('token-hook', '--policy-file', 'policy.json', '--no-okta'));
    expect(run.code, run.stderr).toBe(0);
    expect(project.emu.requestLog).toEqual([]);
    expect(project.aws.functions.size).toBe(1);
  });
});
