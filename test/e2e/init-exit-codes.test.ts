// Issue 19.7 / 19.8: status --exit-code for CI (0 in sync, 3 drift, 4 no token), destroy --dry-run, and breaking
// changes refused without --allow-breaking. The built CLI against the emulator.
import { beforeAll, expect, it } from 'vitest';
import { api, describeWithKeychain, useLoggedInOrg, writeMethods } from '../support/index.js';

describeWithKeychain('status --exit-code, destroy --dry-run, --allow-breaking', () => {
  const org = useLoggedInOrg();
  beforeAll(async () => {
    const init = await org.ws.run(['init', '--name', 'exit-api', '--scope', 'a:read', '--scope', 'a:write', '--yes']);
    expect(init.code, init.stderr).toBe(0);
  });

  it(
    'refuses breaking changes with only --yes, and applies them with --allow-breaking',
    { timeout: 60_000 },
    async () => {
      const { emu, ws } = org;
      emu.clearRequestLog();
      const refused = await ws.run(['init', '--name', 'exit-api', '--scope', 'a:read', '--yes']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/breaking changes/);
      expect(refused.stderr).toMatch(/--allow-breaking/);
      expect(writeMethods(emu.requestLog)).toEqual([]);
      const dry = await ws.run([
        'init',
        '--name',
        'exit-api',
        '--scope',
        'a:read',
        '--scope',
        'a:write',
        '--audience',
        'api://other',
        '--dry-run',
      ]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/audiences: .* -> \[api:\/\/other\] {2}\[breaking\]/);
    },
  );

  it('status --exit-code: 0 in sync, 3 after the rule is deleted', { timeout: 60_000 }, async () => {
    const { emu, ws } = org;
    expect((await ws.run(['status', '--exit-code'])).code).toBe(0);
    const okta = (await ws.state()).profiles[ws.profile].okta;
    const deleted = await api(
      emu,
      'DELETE',
      `/api/v1/authorizationServers/${okta.authServerId}/policies/${okta.policyId}/rules/${okta.ruleId}`,
    );
    expect(deleted.status).toBe(204);
    expect((await ws.run(['status', '--exit-code'])).code).toBe(3);
    expect((await ws.run(['status'])).code).toBe(0);
    expect((await ws.run(['init', '--yes'])).code).toBe(0);
  });

  it('status --exit-code: 4 when no token can be had', { timeout: 60_000 }, async () => {
    const wrong = await org.ws.run(['status', '--exit-code'], {
      env: { OKTA_M2M_CLIENT_SECRET: 'not-the-secret-0000000000000000000000000000' },
    });
    expect(wrong.code).toBe(4);
  });

  it('destroy --dry-run lists what would go and deletes nothing', { timeout: 60_000 }, async () => {
    const { emu, ws } = org;
    emu.clearRequestLog();
    const dry = await ws.run(['destroy', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).delete.map((t: any) => t.kind)).toEqual([
      'rule',
      'policy',
      'scope',
      'scope',
      'authServer',
      'app',
    ]);
    expect(writeMethods(emu.requestLog)).toEqual([]);
    const destroyed = await ws.run(['destroy', '--yes', '--json']);
    expect(JSON.parse(destroyed.stdout).deleted).toHaveLength(6);
  });
});
