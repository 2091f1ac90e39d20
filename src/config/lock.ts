import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConflictError } from '../errors.js';
import { stateFile } from './paths.js';

/**
 * One run at a time per project and profile for the commands that change an org (init, destroy, rotate, sync): two
 * concurrent `init`s would each make a policy, a rule and a client secret, and the state would record only one. The
 * lock is a file beside the project state, made with O_EXCL, holding the holder's pid and command. A second run waits
 * briefly, then fails naming the holder; a lock whose process is gone (a crash, a kill -9) is taken over.
 */
interface LockHolder {
  pid: number;
  command: string;
  startedAt: string;
}

interface ProjectLockOptions {
  /** The project folder (where .okta-m2m/ is). */
  cwd: string;
  profile: string;
  /** What is running, for the message a second run prints: "init", "sync auth0-role". */
  command: string;
  /** How long a second run waits for the holder (default 10 s; $OKTA_M2M_LOCK_WAIT_MS overrides). */
  waitMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Whether a pid is a running process (default: signal 0). */
  alive?: (pid: number) => boolean;
  /** Where $OKTA_M2M_LOCK_WAIT_MS is read. */
  env?: NodeJS.ProcessEnv;
  /** Told once when the lock is busy and the run starts waiting. */
  onWait?: (holder: LockHolder) => void;
}

const DEFAULT_LOCK_WAIT_MS = 10_000;

function lockFile(cwd: string, profile: string): string {
  return join(dirname(stateFile(cwd)), `lock-${encodeURIComponent(profile)}.json`);
}

export async function withProjectLock<T>(options: ProjectLockOptions, work: () => Promise<T>): Promise<T> {
  const release = await acquireProjectLock(options);
  try {
    return await work();
  } finally {
    await release();
  }
}

/** Takes the lock (waiting, or taking over a stale one) and returns its release. */
async function acquireProjectLock(options: ProjectLockOptions): Promise<() => Promise<void>> {
  const path = lockFile(options.cwd, options.profile);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const alive = options.alive ?? isRunning;
  const waitMs = options.waitMs ?? envWaitMs(options.env ?? process.env) ?? DEFAULT_LOCK_WAIT_MS;
  const pollMs = options.pollMs ?? 200;
  const mine: LockHolder = { pid: process.pid, command: options.command, startedAt: new Date().toISOString() };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let waited = 0;
  let told = false;
  for (;;) {
    if (await tryCreate(path, mine)) return () => releaseIfMine(path, mine);
    const holder = await readHolder(path);
    if (holder === undefined || !alive(holder.pid)) {
      // Gone (a crashed run) or unreadable (a torn write by a run that died): take it over.
      await rm(path, { force: true });
      continue;
    }
    if (waited >= waitMs) {
      throw new ConflictError(
        `Another okta-m2m run holds the lock for profile "${options.profile}" in this project: pid ${holder.pid} ("okta-m2m ${holder.command}", since ${holder.startedAt}).`,
        { hint: `Wait for it to finish, then run the command again. If no such process runs, remove ${path}.` },
      );
    }
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    await sleep(pollMs);
    waited += pollMs;
  }
}

/** The lock file appears whole or not at all: written beside it, then hard-linked into place (EEXIST: held). */
async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text.slice(0, 4096)) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return {
      pid: value.pid,
      command: String(value.command ?? '?').slice(0, 80),
      startedAt: String(value.startedAt ?? '?').slice(0, 40),
    };
  } catch {
    // Never half-written (see tryCreate): not a lock of ours, so it is taken over.
    return undefined;
  }
}

async function releaseIfMine(path: string, mine: LockHolder): Promise<void> {
  const holder = await readHolder(path);
  if (holder?.pid === mine.pid && holder.startedAt === mine.startedAt) await rm(path, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function envWaitMs(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.OKTA_M2M_LOCK_WAIT_MS;
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
}
