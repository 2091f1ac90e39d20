import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import {
  describeWithKeychain,
  ENTER,
  fakeTerminal,
  login,
  useLoggedInOrg,
  workspace,
  type Workspace,
} from '../support/index.js';

const DOWN = '\u001b[B';

/** The init wizard's questions, in the order it asks them. */
const QUESTIONS = {
  kind: /What to set up/,
  name: /Name of the API/,
  audience: /Audience of the tokens/,
  description: /Description/,
  scopes: /Scopes \(space or comma separated\)/,
  defaultScope: /Default scope/,
  authMethod: /How the client authenticates/,
  lifetime: /Access token lifetime/,
  clients: /all clients/,
  save: /Save this setup/,
  apply: /Apply these changes\?/,
};

/** `okta-m2m init` on a fake terminal in `ws`, each question answered with `answers` (ENTER where none is given). */
async function wizard(ws: Workspace, answers: Partial<Record<keyof typeof QUESTIONS, string>>) {
  const term = fakeTerminal({ ...ws.env }, ws.dir);
  const running = main(['node', 'okta-m2m', 'init'], term.io);
  for (const [question, prompt] of Object.entries(QUESTIONS))
    await term.answer(prompt, answers[question as keyof typeof QUESTIONS] ?? ENTER);
  return { term, running };
}

describeWithKeychain('the init wizard on a terminal', () => {
  const org = useLoggedInOrg();
  afterAll(async () => {
    await org.ws?.run(['destroy', '--yes']);
  });

  it('asks for the setup, saves okta-m2m.json, shows the plan and applies it after confirmation', async () => {
    const { ws } = org;
    const { term, running } = await wizard(ws, {
      name: `wizard-api${ENTER}`,
      scopes: `wizard:read, wizard:write${ENTER}`,
      defaultScope: `${DOWN}${ENTER}`,
      lifetime: `\u0015${'30'}${ENTER}`,
      apply: `y${ENTER}`,
    });
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
      const { term, running } = await wizard(other, { name: `declined-api${ENTER}`, apply: `n${ENTER}` });
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
