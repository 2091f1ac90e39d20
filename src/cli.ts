import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { makeAction } from './commands/action.js';
import { commandTree, registerCommands } from './commands/index.js';
import { ExitCode, exitCodeOf } from './errors.js';
import { Ui } from './ui/ui.js';
import type { Io } from './context.js';
import { VERSION } from './version.js';

const EXAMPLES = `
Examples:
  $ okta-m2m emulator start                      a local Okta org to try everything on
  $ okta-m2m login --org-url https://acme.okta.com --api-token-stdin < token.txt
  $ okta-m2m init --name orders-api --audience api://orders --scope orders:read --yes
  $ okta-m2m token get                           a token from what init made
  $ okta-m2m scim-token encode --token-url https://acme.okta.com/oauth2/aus1/v1/token \\
      --client-id 0oa1 --client-secret-stdin < secret.txt
`;

export function buildProgram(io: Io): Command {
  const program = new Command('okta-m2m')
    .description('Set up machine-to-machine (OAuth 2.0 client credentials) auth on Okta and Auth0.')
    .version(VERSION, '-V, --version')
    .option('-p, --profile <name>', 'the profile to use (default: the current one, or $OKTA_M2M_PROFILE)')
    .option('--json', 'print results as JSON')
    .option('--no-color', 'no colour (also when NO_COLOR is set or stdout is not a terminal)')
    .option('--debug', 'print request ids and error causes (never secrets)')
    .option('-y, --yes', 'answer yes to confirmations')
    .option('--no-input', 'never prompt; fail with a usage error where input is missing')
    .option('--timeout <seconds>', 'the longest wait for each remote request (default 30)', parseTimeout)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  registerCommands(program, makeAction(io));
  program.addHelpText('after', () => `${commandTree(program)}${EXAMPLES}`);
  return program;
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0) || seconds > 3600) {
    throw new InvalidArgumentError('give a number of seconds between 0 and 3600, such as 30.');
  }
  return seconds;
}

export const defaultIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      if (done || error.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    const opts = program.opts();
    const ui = new Ui(io, {
      json: false,
      color: opts.color !== false,
      debug: Boolean(opts.debug) || argv.includes('--debug'),
      input: false,
      env: io.env,
    });
    ui.error(error);
    return exitCodeOf(error);
  }
}

