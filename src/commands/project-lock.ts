import type { Context } from '../context.js';

/**
 * Runs `work` holding the project's lock for the current profile (src/config/lock.ts), saying on stderr when it
 * waits for another run. For the commands that change an org: init, destroy, rotate, sync.
 */
export async function withCommandLock<T>(ctx: Context, command: string, work: () => Promise<T>): Promise<T> {
  const { withProjectLock } = await import('../config/lock.js');
  return withProjectLock(
    {
      cwd: ctx.io.cwd,
      profile: await ctx.profileName(),
      command,
      env: ctx.env,
      onWait: (holder) =>
        ctx.ui.progress(`waiting for another run, okta-m2m ${holder.command} (pid ${holder.pid}), to finish ...`),
    },
    // What was read before the lock may be stale: the run that held it (a key rotation, an init) rewrote it.
    () => {
      ctx.forgetFiles();
      return work();
    },
  );
}
