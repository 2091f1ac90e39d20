#!/usr/bin/env node
// Runs a command with a keychain to talk to. On Linux: a private D-Bus session with a throwaway, unlocked
// gnome-keyring (its files in a temp folder), so the real Secret Service is used and the user's own keyring is
// never touched. Elsewhere (macOS Keychain, Windows Credential Manager): the command as it is.
//   node scripts/with-keyring.js <command> [args...]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeUnlockedKeyring } from './unlocked-keyring.js';

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

let status;
if (process.platform !== 'linux') {
  status = run(command, args);
} else if (
  (!has('dbus-run-session') || !has('gnome-keyring-daemon')) &&
  process.env.OKTA_M2M_SKIP_KEYCHAIN_TESTS === '1'
) {
  console.error(
    'no dbus-run-session or gnome-keyring-daemon: running without a keychain (OKTA_M2M_SKIP_KEYCHAIN_TESTS=1)',
  );
  status = run(command, args);
} else if (!has('dbus-run-session') || !has('gnome-keyring-daemon')) {
  console.error('okta-m2m keeps secrets in the OS keychain; on Linux that is a Secret Service such as gnome-keyring.');
  console.error('Install it first: sudo apt-get install -y dbus gnome-keyring libsecret-tools');
  console.error('(or set OKTA_M2M_SKIP_KEYCHAIN_TESTS=1 to run without one; the keychain suites then show as skipped)');
  status = 1;
} else {
  const home = mkdtempSync(join(tmpdir(), 'okta-m2m-keyring-'));
  writeUnlockedKeyring(join(home, 'data', 'keyrings'));
  // The command gets our stderr back as its fd 2 (passed in as fd 3); dbus-run-session's, dbus-daemon's and the
  // keyring daemon's own stderr (and that of the services D-Bus activates) goes through dropDbusNoise.
  const inner = `gnome-keyring-daemon --start --components=secrets >/dev/null && exec 2>&3 3>&- && exec ${[command, ...args].map(quote).join(' ')}`;
  try {
    status = await new Promise((resolve, reject) => {
      const child = spawn('dbus-run-session', ['--', 'sh', '-c', inner], {
        stdio: ['inherit', 'inherit', 'pipe', 2],
        env: { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home },
      });
      // Ctrl-C reaches the whole process group; wait for the command to finish its own clean-up.
      for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
      dropDbusNoise(child.stderr);
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    removeWhenQuiet(home);
  }
}
process.exit(status);

/**
 * Forwards the bus's stderr minus its routine chatter: the line dbus-daemon prints on every start as root where it
 * may not raise RLIMIT_NOFILE to 65536 (containers, CI: "Failed to set fd limit to 65536: Operation not
 * permitted"), its notes on activating the keyring service, and gnome-keyring's "discover_other_daemon". Anything
 * else (a real error) still shows.
 */
function dropDbusNoise(stream) {
  const noise =
    /Failed to set fd limit|Activating service name=|Successfully activated service|^discover_other_daemon:|couldn't access control socket/;
  let pending = '';
  const forward = (line) => {
    if (!noise.test(line)) process.stderr.write(`${line}\n`);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    lines.forEach(forward);
  });
  stream.on('end', () => pending && forward(pending));
}

/**
 * gnome-keyring-daemon outlives the session by a moment and removes its own sockets as it goes, so removing its
 * folder can race it (ENOTEMPTY): try for up to two seconds, then leave the few bytes in the temp folder.
 */
function removeWhenQuiet(dir) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}
