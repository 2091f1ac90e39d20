#!/usr/bin/env node
// Runs the test suite. On Linux the keychain tests need a Secret Service: we start a private D-Bus session with
// a throwaway, unlocked gnome-keyring (its files in a temp folder), so the keychain tested is the real one and the
// user's own keyring is never touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const vitestArgs = ['vitest', 'run', ...process.argv.slice(2)];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

let status;
if (process.platform !== 'linux') {
  status = run('npx', vitestArgs);
} else if (!has('dbus-run-session') || !has('gnome-keyring-daemon')) {
  console.error(
    'The keychain tests need a Secret Service. On Debian/Ubuntu: sudo apt-get install -y dbus gnome-keyring libsecret-tools',
  );
  status = 1;
} else {
  const home = mkdtempSync(join(tmpdir(), 'okta-m2m-keyring-'));
  const inner = [
    'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
    `exec npx ${vitestArgs.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`,
  ].join(' && ');
  try {
    status = run('dbus-run-session', ['--', 'sh', '-c', inner], {
      ...process.env,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_RUNTIME_DIR: home,
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
process.exit(status);
