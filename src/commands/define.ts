import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import type { Context } from '../context.js';

/** Makes the context for the command that runs (from the global options, parsed by then). */
export type MakeContext = (command: CommandUnknownOpts) => Promise<Context>;

/** A verb's handler: the context, the verb's own options (typed by its Command), its positional arguments. */
export type Run<Args extends unknown[], Opts extends OptionValues> = (
  ctx: Context,
  opts: Opts,
  ...args: Args
) => Promise<void>;

/**
 * Gives a verb's Command its action: the context is made when the verb runs, and the handler gets the options and
 * arguments as commander parsed them, typed. Errors propagate to `main`, which renders them once.
 */
export function bind<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
  run: Run<Args, Opts>,
  makeContext: MakeContext,
): Command<Args, Opts> {
  return command.action(async function (this: Command<Args, Opts>) {
    await run(await makeContext(this), this.opts(), ...this.processedArgs);
  });
}

/**
 * The run of a verb that changes an org (init, rotate, sync): `execute` holding the project's lock for the profile
 * (./project-lock.ts), except for a dry run, which changes nothing and does not wait for another run.
 */
export function lockedUnlessDryRun<Opts extends { dryRun?: boolean | undefined }>(
  command: string,
  execute: (ctx: Context, options: Opts) => Promise<void>,
): (ctx: Context, options: Opts) => Promise<void> {
  return async (ctx, options) => {
    if (options.dryRun) return execute(ctx, options);
    const { withCommandLock } = await import('./project-lock.js');
    return withCommandLock(ctx, command, () => execute(ctx, options));
  };
}

/** The Examples section every verb's --help ends with: each line a command, with an optional note after it. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
