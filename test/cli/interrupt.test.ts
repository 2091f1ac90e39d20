import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { cliPath, oktaEmulator } from '../support/index.js';

// Ctrl-C at a prompt, typed on a real pseudo-terminal: util-linux `script` runs the built CLI on a pty and passes
// what we write to it as keystrokes. The prompt holds the terminal in raw mode, so Ctrl-C reaches @inquirer as a
// key, not as SIGINT; the CLI must still exit 130 with "interrupted" and no stack.

let home: string;
// login checks it is talking to Okta before it asks for a token: an org that answers as Okta does.
let org: EmulatorHandle;
beforeAll(async () => {
  org = await oktaEmulator();
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error('this test needs util-linux "script" (apt-get install bsdutils) to make a pseudo-terminal');
  home = await mkdtemp(join(tmpdir(), 'okta-m2m-pty-'));
});
afterAll(async () => {
  await org.stop();
  await rm(home, { recursive: true, force: true });
});

function onTerminal(args: string[], waitFor: RegExp, keys: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, cliPath, ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      OKTA_M2M_CONFIG_DIR: join(home, 'config'),
      TERM: 'xterm',
      NO_COLOR: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let typed = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    if (!typed && waitFor.test(screen)) {
      typed = true;
      setTimeout(() => child.stdin.write(keys), 150);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      // Without the terminal's escape sequences (cursor moves, show cursor): the text a person sees.
      // eslint-disable-next-line no-control-regex -- strips the terminal escape sequences a prompt writes, to read the screen text
      resolve({ code, screen: screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') });
    }),
  );
}

describe('Ctrl-C at a prompt', () => {
  it.each([
    ['a password prompt (login)', () => ['login', '--org-url', org.url], /Okta API token/],
    ['a text prompt, with --debug (login)', () => ['--debug', 'login'], /Okta org URL/],
  ])('%s exits 130 with "interrupted" and no stack', async (_name, args, prompt) => {
    const { code, screen } = await onTerminal(args(), prompt, '\u0003');
    expect(screen).toMatch(prompt);
    expect(code).toBe(130);
    expect(screen).toMatch(/^interrupted\r?$/m);
    expect(screen).not.toMatch(/User force closed|\n\s+at /);
  });
});
