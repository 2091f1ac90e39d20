import type { Command } from 'commander';
import { Context, type GlobalOptions, type Io } from '../context.js';

/** Options as commander parses them: the command's own plus the global ones. */
export type Options = Record<string, unknown> & GlobalOptions;

export type Handler = (ctx: Context, options: Options, args: string[]) => Promise<void>;

/**
 * Turns a handler into a commander action: builds the context from the global options and passes the command's
 * options and positional arguments. Errors propagate to `main`, which renders them once.
 */
export function makeAction(io: Io) {
  return (handler: Handler) =>
    async (...received: unknown[]): Promise<void> => {
      const command = received[received.length - 1] as Command;
      const options = command.optsWithGlobals<Options>();
      const args = received.slice(0, -2).flatMap((arg) => (Array.isArray(arg) ? arg : arg === undefined ? [] : [arg]));
      const ctx = new Context(io, globalsOf(options));
      await handler(ctx, options, args as string[]);
    };
}

export type ActionFactory = ReturnType<typeof makeAction>;

/**
 * A handler that lives in a module loaded only when its command runs (`<command>-run.ts`): registration stays
 * cheap, so `--help` and the other commands do not parse every command's body.
 */
export function lazy<M>(load: () => Promise<M>, pick: (module: M) => Handler): Handler {
  return async (ctx, options, args) => pick(await load())(ctx, options, args);
}

function globalsOf(options: Options): GlobalOptions {
  const globals: GlobalOptions = {
    json: Boolean(options.json),
    color: options.color !== false,
    debug: Boolean(options.debug),
    yes: Boolean(options.yes),
    input: options.input !== false,
  };
  if (typeof options.profile === 'string') globals.profile = options.profile;
  if (typeof options.timeout === 'number') globals.timeoutMs = Math.round(options.timeout * 1000);
  return globals;
}

/** Repeatable options (`--scope a --scope b`), also accepting comma or space separated lists. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
