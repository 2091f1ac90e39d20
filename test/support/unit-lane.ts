/**
 * Setup of the unit lane (vitest.config.ts): a suite there may not start a child process, except esbuild's own
 * service (bundling a template from source runs it). Each other way of starting one throws, naming the fix, so the
 * lane stays fast and a new spawning suite is put in the slow lane on purpose.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const childProcess = createRequire(import.meta.url)('node:child_process') as Record<
  string,
  (...args: unknown[]) => unknown
>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const original = childProcess[name]!;
  childProcess[name] = (...args: unknown[]) => {
    if (/[\\/]esbuild([\\/.-]|$)/.test(String(args[0]))) return original(...args);
    throw new Error(
      `child_process.${name}(${String(args[0])}) in the unit lane: add this suite to SLOW in vitest.config.ts, or test it in process`,
    );
  };
}
syncBuiltinESMExports();
