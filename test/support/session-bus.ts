/**
 * A private D-Bus session bus whose Secret Service (gnome-keyring, started by D-Bus activation) opens a throwaway,
 * unlocked keyring: for tests that stop or kill the keychain daemon without touching the suite's.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { writeUnlockedKeyring } from '../../scripts/unlocked-keyring.js';

export interface PrivateSessionBus {
  address: string;
  /**
   * Starts watching the bus, and resolves once it watches, with a promise of the next method call the bus routes to
   * org.freedesktop.secrets: when that resolves, the call is queued at the daemon. `members` lists the methods
   * called so far ("OpenSession", "SearchItems", ...), and `called` resolves once a method of that name has been
   * called `times` times.
   */
  watchSecretService(): Promise<{
    nextCall: Promise<void>;
    members: string[];
    called(member: string, times?: number): Promise<void>;
  }>;
  stop(): Promise<void>;
}

export async function privateSessionBus(): Promise<PrivateSessionBus> {
  const home = await mkdtemp(join(tmpdir(), 'okta-m2m-bus-'));
  writeUnlockedKeyring(join(home, 'data', 'keyrings'));
  const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
    env: { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await firstLine(daemon.stdout);
  const monitors: Array<ReturnType<typeof spawn>> = [];
  return {
    address,
    async watchSecretService() {
      const monitor = spawn(
        'dbus-monitor',
        ['--address', address, "type='method_call',destination='org.freedesktop.secrets'"],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      monitors.push(monitor);
      const lines = createInterface({ input: monitor.stdout });
      let watching: () => void;
      let anyCall: () => void;
      const ready = new Promise<void>((resolve) => (watching = resolve));
      const nextCall = new Promise<void>((resolve) => (anyCall = resolve));
      const members: string[] = [];
      const waiting: Array<{ member: string; times: number; resolve: () => void }> = [];
      const count = (member: string) => members.filter((seen) => seen === member).length;
      // A monitor gives up its own name on becoming one: the NameLost signal is the first thing it prints after.
      lines.on('line', (line) => {
        if (line.includes('member=NameLost')) watching();
        else if (line.startsWith('method call')) {
          const member = /member=(\w+)/.exec(line)?.[1] ?? '';
          members.push(member);
          for (const wait of waiting) if (count(wait.member) >= wait.times) wait.resolve();
          anyCall();
        }
      });
      await ready;
      const called = (member: string, times = 1) =>
        count(member) >= times
          ? Promise.resolve()
          : new Promise<void>((resolve) => waiting.push({ member, times, resolve }));
      return { nextCall, members, called };
    },
    async stop() {
      for (const child of [...monitors, daemon]) child.kill();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The process that owns org.freedesktop.secrets on the bus. */
export async function secretServicePid(address: string): Promise<number> {
  const { stdout } = await promisify(execFile)('dbus-send', [
    `--bus=${address}`,
    '--print-reply',
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.GetConnectionUnixProcessID',
    'string:org.freedesktop.secrets',
  ]);
  const pid = /uint32 (\d+)/.exec(stdout)?.[1];
  if (!pid) throw new Error(`no process owns org.freedesktop.secrets: ${stdout}`);
  return Number(pid);
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream });
    lines.once('line', (line) => resolve(line.trim()));
    stream.once('end', () => reject(new Error('dbus-daemon printed no address')));
  });
}
