/** The most common step of an e2e test: a CLI run in a workspace that must succeed. */
import { expect } from 'vitest';
import type { RunResult, Workspace } from './workspace.js';

/** Runs the built CLI in the workspace and expects exit 0 (its stderr the message when not). */
export async function runOk(
  ws: Workspace,
  args: string[],
  options?: Parameters<Workspace['run']>[1],
): Promise<RunResult> {
  const result = await ws.run(args, options);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** runOk, and its stdout as JSON (for --json runs). */
export async function runJson(ws: Workspace, args: string[], options?: Parameters<Workspace['run']>[1]): Promise<any> {
  return JSON.parse((await runOk(ws, args, options)).stdout);
}
