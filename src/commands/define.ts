import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import type { Context } from '../context.js';

/** Makes the context for the command that runs (from the global options, parsed by then). */
export type MakeContext = (command: CommandUnknownOpts) => Context;

/** A verb's handler: the context, the verb's own options (typed by its Command), its positional arguments. */
type Run<Args extends unknown[], Opts extends OptionValues> = (
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
    await run(makeContext(this), this.opts(), ...this.processedArgs);
  });
}

/** The Examples section every verb's --help ends with: each line a command, with an optional note after it. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
