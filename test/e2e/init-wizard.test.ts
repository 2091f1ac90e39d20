import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { describeWithKeychain, ENTER, fakeTerminal, login, useLoggedInOrg, workspace } from '../support/index.js';

const DOWN = '\u001b[B';

describeWithKeychain('the init wizard on a terminal', () => {
  const org = useLoggedInOrg();
  afterAll(async () => {
    await org.ws?.run(['destroy', '--yes']);
  });

  it('asks for the setup, saves okta-m2m.json, shows the plan and applies it after confirmation', async () => {
    const { ws } = org;
    const term = fakeTerminal({ ...ws.env }, ws.dir);
    const running = main(['node', 'okta-m2m', 'init'], term.io);
    await term.answer(/What to set up/, ENTER);
    await term.answer(/Name of the API/, `wizard-api${ENTER}`);
    await term.answer(/Audience of the tokens/, ENTER);
    await term.answer(/Description/, ENTER);
    await term.answer(/Scopes \(space or comma separated\)/, `wizard:read, wizard:write${ENTER}`);
    await term.answer(/Default scope/, `${DOWN}${ENTER}`);
    await term.answer(/How the client authenticates/, ENTER);
    await term.answer(/Access token lifetime/, `\u0015${'30'}${ENTER}`);
    await term.answer(/all clients/, ENTER);
    await term.answer(/Save this setup/, ENTER);
    await term.answer(/Apply these changes\?/, `y${ENTER}`);
    const code = await running;
    expect(code, term.screen).toBe(0);
    expect(term.screen).toMatch(/\+ create\s+app wizard-api/);
    const file = JSON.parse(await readFile(join(ws.dir, 'okta-m2m.json'), 'utf8'));
    expect(file).toMatchObject({
      version: 1,
      name: 'wizard-api',
      audience: 'api://wizard-api',
      scopes: [
        { name: 'wizard:read', default: true },
        { name: 'wizard:write', default: false },
      ],
      defaultScope: 'wizard:read',
      authMethod: 'client_secret_basic',
      tokenLifetimeMinutes: 30,
      allClients: false,
    });
    const state = (await ws.state()).profiles[ws.profile].okta;
    expect(state).toMatchObject({
      scopes: ['wizard:read', 'wizard:write'],
      defaultScope: 'wizard:read',
      spec: { name: 'wizard-api' },
    });
    expect(term.stdout).toMatch(/token endpoint:/);

    // The saved file drives the next run, with no prompt and no change.
    const again = await ws.run(['init', '--file', 'okta-m2m.json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing to change/);
  });

  it('saves okta-m2m.json only once the plan is confirmed: declining leaves no file', async () => {
    const other = await workspace();
    try {
      expect((await login(other, org.emu)).code).toBe(0);
      const term = fakeTerminal({ ...other.env }, other.dir);
      const running = main(['node', 'okta-m2m', 'init'], term.io);
      await term.answer(/What to set up/, ENTER);
      await term.answer(/Name of the API/, `declined-api${ENTER}`);
      await term.answer(/Audience of the tokens/, ENTER);
      await term.answer(/Description/, ENTER);
      await term.answer(/Scopes \(space or comma separated\)/, ENTER);
      await term.answer(/Default scope/, ENTER);
      await term.answer(/How the client authenticates/, ENTER);
      await term.answer(/Access token lifetime/, ENTER);
      await term.answer(/all clients/, ENTER);
      await term.answer(/Save this setup/, ENTER);
      await term.answer(/Apply these changes\?/, `n${ENTER}`);
      expect(await running, term.screen).toBe(0);
      expect(term.screen).toMatch(/nothing changed/);
      expect(term.screen).not.toMatch(/saved the setup/);
      await expect(readFile(join(other.dir, 'okta-m2m.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(readFile(join(other.dir, '.okta-m2m', 'state.json'), 'utf8')).rejects.toMatchObject({
        code: 'ENOENT',
      });
    } finally {
      await other.cleanup();
    }
  });

  it('login asks for the org URL and the API token on a terminal, and does not echo the token', async () => {
    const { emu } = org;
    const other = await workspace();
    try {
      const term = fakeTerminal({ ...other.env }, other.dir);
      const running = main(['node', 'okta-m2m', 'login'], term.io);
      await term.answer(/Okta org URL/, `${emu.url}${ENTER}`);
      await term.answer(/Okta API token/, `${emu.adminToken}${ENTER}`);
      expect(await running, term.screen).toBe(0);
      expect(term.screen).toMatch(/logged in: profile/);
      expect(term.screen).not.toContain(emu.adminToken);
      expect(term.stdout).toMatch(/API token \(in the keychain\)/);
    } finally {
      await other.cleanup();
    }
  });

  it('answering no to the confirmation changes nothing', async () => {
    const { ws } = org;
    const term = fakeTerminal({ ...ws.env }, ws.dir);
    const running = main(['node', 'okta-m2m', 'init', '--scope', 'wizard:read', '--token-lifetime', '45'], term.io);
    await term.answer(/Apply these changes\?/, `n${ENTER}`);
    expect(await running).toBe(0);
    expect(term.screen).toMatch(/nothing changed/);
    const state = (await ws.state()).profiles[ws.profile].okta;
    expect(state.spec.tokenLifetimeMinutes).toBe(30);
  });
});
