import { Command, CommanderError } from '@commander-js/extra-typings';
import { NotLoaded, commandTree, registerCommands, selectionOf, type Selection } from './commands/index.js';
import { examples } from './commands/define.js';
import { seconds } from './commands/options.js';
import type { Factories, GlobalOptions, Io } from './context.js';
import { ExitCode, ExitWith, InterruptedError, UsageError, exitCodeOf } from './errors.js';
import { interruptionOf } from './ui/prompt.js';
import { neutralize } from './ui/sanitize.js';
import { VERSION } from './version.js';

const EXAMPLES = examples(
  'okta-m2m emulator start                      a local Okta org to try everything on',
  'okta-m2m login --org-url https://acme.okta.com --api-token-stdin < token.txt',
  'okta-m2m init --name orders-api --audience api://orders --scope orders:read --yes',
  'okta-m2m token get                           a token from what init made',
  'okta-m2m scim-token encode --token-url https://acme.okta.com/oauth2/aus1/v1/token \\\n      --client-id 0oa1 --client-secret-stdin < secret.txt',
);

const USAGE_HINT = 'add --help for usage';

/** --timeout's default, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 30;

// What a command runs with (the context, the UI and chalk), loaded when one runs: the help and usage errors print
// without them, and do not compile them at every start.
const contextModule = () => import('./context.js');
const uiModule = () => import('./ui/ui.js');

function globalOptions() {
  return new Command('okta-m2m')
    .description('Set up machine-to-machine (OAuth 2.0 client credentials) auth on Okta and Auth0.')
    .version(VERSION, '-V, --version')
    .option('-p, --profile <name>', 'the profile to use (default: the current one, or $OKTA_M2M_PROFILE)')
    .option('--json', 'print results as JSON (and errors as one JSON object on stderr)')
    .option('--no-color', 'no colour (also when NO_COLOR is set or stdout is not a terminal)')
    .option('--debug', 'print request ids and error causes (never secrets)')
    .option('-y, --yes', 'answer yes to confirmations')
    .option('--no-input', 'never prompt; fail with a usage error where input is missing')
    .option(
      '--timeout <seconds>',
      'give up on a remote request after this long',
      seconds(3600),
      DEFAULT_TIMEOUT_SECONDS,
    );
}

type ProgramOptions = ReturnType<ReturnType<typeof globalOptions>['opts']>;

/** The commands `args` name (see selectionOf), read past the global options, and the values of those that take one. */
export function selectionFor(args: readonly string[]): Selection {
  const valued = globalOptions()
    .options.filter((option) => option.required || option.optional)
    .flatMap((option) => [option.short, option.long].filter((flag): flag is string => flag !== undefined));
  return selectionOf(args, new Set(valued));
}

function globalsOf(options: ProgramOptions): GlobalOptions {
  return {
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    json: options.json === true,
    color: options.color,
    debug: options.debug === true,
    yes: options.yes === true,
    input: options.input,
    timeoutMs: Math.round(options.timeout * 1000),
  };
}

/**
 * The program, with the commands `selection` needs (default: all). `usageErrors` receives commander's own usage
 * messages instead of stderr (for --json, where an error is one JSON object); without it they are printed as
 * commander words them.
 */
export async function buildProgram(
  io: Io,
  factories: Partial<Factories> = {},
  usageErrors?: (message: string) => void,
  selection?: Selection,
) {
  const program = globalOptions()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Commander's own messages repeat what was typed (an unknown option, a bad value): neutralised like all output.
      writeErr: (text) => io.stderr.write(neutralize(text)),
      ...(usageErrors ? { outputError: (text: string) => usageErrors(text) } : {}),
    })
    .exitOverride();
  if (!usageErrors) program.showHelpAfterError(`(${USAGE_HINT})`);
  const makeContext = async () => new (await contextModule()).Context(io, globalsOf(program.opts()), factories);
  await registerCommands(program, makeContext, selection);
  program.addHelpText('after', () => `${commandTree(program)}${EXAMPLES}`);
  return program;
}

/** The process's output streams that the CLI has written through (see defaultIo), for the launcher to drain. */
export const openedOutput = new Set<NodeJS.WriteStream>();

/**
 * The process's streams, each made on first use: making one over a pipe loads node:net, over a terminal node:tty
 * (several milliseconds of a start), and many commands never read stdin nor write to stderr.
 */
export const defaultIo = (): Io => ({
  get stdout() {
    openedOutput.add(process.stdout);
    return process.stdout;
  },
  get stderr() {
    openedOutput.add(process.stderr);
    return process.stderr;
  },
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
});

/** Runs the CLI and returns the exit code; never throws. `factories` swap what reaches outside (for tests). */
export async function main(
  argv: readonly string[],
  io: Io = defaultIo(),
  factories: Partial<Factories> = {},
): Promise<number> {
  const json = flagGiven(argv, '--json');
  let usageMessage: string | undefined;
  const usageErrors = json ? (text: string) => (usageMessage ??= text) : undefined;
  const selection = selectionFor(argv.slice(2));
  // A command will run: its context loads while the command's own modules do.
  if (selection.name !== undefined) contextModule().catch(() => undefined);
  let program = await buildProgram(io, factories, usageErrors, selection);
  try {
    try {
      await program.parseAsync([...argv]);
    } catch (thrown) {
      if (!(thrown instanceof NotLoaded)) throw thrown;
      program = await buildProgram(io, factories, usageErrors);
      await program.parseAsync([...argv]);
    }
    return ExitCode.ok;
  } catch (thrown) {
    if (thrown instanceof ExitWith) return thrown.code;
    if (thrown instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(thrown.code);
      if (done || thrown.exitCode === 0) return ExitCode.ok;
    }
    const opts = program.opts();
    const ui = new (await uiModule()).Ui(io, {
      json,
      color: opts.color,
      debug: opts.debug === true || flagGiven(argv, '--debug'),
      input: false,
      env: io.env,
    });
    if (thrown instanceof CommanderError) {
      // Without --json, commander has printed the message already.
      if (json)
        ui.error(
          new UsageError(commanderMessage(usageMessage ?? thrown.message), { hint: `${capitalised(USAGE_HINT)}.` }),
        );
      return ExitCode.usage;
    }
    const error = interruptionOf(thrown) ?? thrown;
    if (error instanceof InterruptedError && !json) ui.info('interrupted');
    else ui.error(error);
    return exitCodeOf(error);
  }
}

/** Whether a global flag is among the arguments (before any "--"), for errors met before parsing is done. */
function flagGiven(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes(flag);
}

function commanderMessage(text: string): string {
  return text
    .trim()
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ');
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
