/**
 * The fault matrices' common steps (test/reliability/*-faults.test.ts): each schedule runs in a world of its own
 * (emulators and a workspace), a failure is kept and the matrix goes on, and a faulted command is run again until
 * it succeeds, every failure on the way a clean error.
 */
import { expect } from 'vitest';
import type { OrgWorkspace } from './workspace.js';

/** Runs allowed before a faulted command must have converged. */
export const MAX_RUNS = 4;

/** Runs a command until it succeeds, at most MAX_RUNS times; every failure is a clean error, never a crash. */
export async function untilSuccess(ws: OrgWorkspace, args: string[]): Promise<{ runs: number; stderr: string[] }> {
  const stderr: string[] = [];
  for (let run = 1; run <= MAX_RUNS; run += 1) {
    const result = await ws.run(args);
    stderr.push(result.stderr);
    if (result.code === 0) return { runs: run, stderr };
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^error: /m);
    expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
  }
  throw new Error(`${args.join(' ')} did not succeed in ${MAX_RUNS} runs:\n${stderr.join('\n---\n')}`);
}

/**
 * One schedule: `world.setup` makes its world, `body` runs in it, `world.teardown` takes it down even when the body
 * failed. A failure is kept in `failures` under `what`, and the matrix goes on. Resolves with whether it passed.
 */
export async function runSchedule<World>(
  what: string,
  failures: string[],
  world: { setup: () => Promise<World>; teardown: (world: World) => Promise<void> },
  body: (world: World) => Promise<void>,
): Promise<boolean> {
  const made = await world.setup();
  try {
    await body(made);
    return true;
  } catch (error) {
    failures.push(`${what}: ${(error as Error).message}`);
    return false;
  } finally {
    await world.teardown(made);
  }
}
