#!/usr/bin/env node
// Runs a command with a keychain to talk to. On Linux: a private D-Bus session with a throwaway, unlocked
// gnome-keyring (its files in a temp folder), so the real Secret Service is used and the user's own keyring is
// never touched. Elsewhere (macOS Keychain, Windows Credential Manager): the command as it is.
//   node scripts/with-keyring.js <command> [args...]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
// Tests, the demo and the benches never reach the EC2 instance metadata address: an AWS SDK without credentials
// would otherwise probe 169.254.169.254 (issue 19). A caller's own setting wins.
process.env.AWS_EC2_METADATA_DISABLED ??= 'true';
if (!command) {
  console.error('usage: node scripts/with-keyring.js <command> [args...]');
  process.exit(2);
}

const has = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const quote = (word) => `'${word.replace(/'/g, `'\\''`)}'`;

function run(file, argv, env = process.env) {
  const result = spawnSync(file, argv, { stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * dbus-run-session as a child whose stderr passes through line by line, less the daemon's own "Failed to set fd
 * limit" notice (unprivileged users cannot raise it; it says nothing about the run).
 */
function runQuietDbus(argv, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('dbus-run-session', argv, { stdio: ['inherit', 'inherit', 'pipe'], env });
    let pending = '';
    const forward = (line) => {
      if (!/^dbus-daemon\[\d+\]: .*Failed to set fd limit/.test(line)) process.stderr.write(line);
    };
    child.stderr.on('data', (chunk) => {
      pending += chunk;
      let end;
      while ((end = pending.indexOf('\n')) !== -1) {
        forward(pending.slice(0, end + 1));
        pending = pending.slice(end + 1);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending) forward(pending);
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

let status;
if (process.platform !== 'linux') {
  status = run(command, args);
} else if (!has('dbus-run-session') || !has('gnome-keyring-daemon')) {
  console.error('okta-m2m keeps secrets in the OS keychain; on Linux that is a Secret Service such as gnome-keyring.');
  console.error('Install it first: sudo apt-get install -y dbus gnome-keyring libsecret-tools');
  status = 1;
} else {
  const home = mkdtempSync(join(tmpdir(), 'okta-m2m-keyring-'));
  const inner = `printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec ${[command, ...args].map(quote).join(' ')}`;
  try {
    status = await runQuietDbus(['--', 'sh', '-c', inner], { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
process.exit(status);
