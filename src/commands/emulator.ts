import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collect, lazy } from './action.js';
import { fraction, integer } from './numbers.js';

// The handler (and the emulator itself) loads only when "emulator start" runs.
const run = () => import('./emulator-run.js');

const FAULT_KINDS = ['429', '500', 'drop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export function registerEmulator(program: Command, action: ActionFactory): void {
  const group = program.command('emulator').description('a local Okta org (and Auth0 tenant) over real HTTP, for trying and testing');
  group
    .command('start')
    .description('start the emulator; prints the org URL and an admin API token, runs until Ctrl-C')
    .option('--port <port>', 'port for the Okta org (0 picks a free one)', integer(0, 65535), 8707)
    .option('--host <host>', 'address to bind (loopback by default)', '127.0.0.1')
    .option('--state <file>', 'keep the org in this file (written atomically, mode 0600) and reload it at start')
    .option('--seed <n>', 'seed for fault decisions, so a failing case repeats', integer(0, 2 ** 31 - 1))
    .option('--admin-token-stdin', 'read the admin API token from stdin instead of generating one')
    .option('--latency <ms>', 'delay every management answer', integer(0, 60_000))
    .option('--fault-rate <rate>', 'chance of a fault on each management call (0 to 1)', fraction)
    .option('--fault <kind>', `a kind of fault to inject: ${FAULT_KINDS.join(', ')} (repeatable)`, collectFault)
    .addOption(new Option('--rate-limits <plan>', "Okta's published rate limits of this org plan (off: none)").choices(['workforce', 'developer', 'free', 'off']).default('developer'))
    .option('--rate-limit <n>', 'one per-minute limit for every endpoint family instead of the plan\'s', integer(1, 1_000_000))
    .option('--auth0', 'also start an Auth0 tenant emulator')
    .option('--auth0-port <port>', 'port for the Auth0 tenant', integer(0, 65535), 8708)
    .option('--auth0-role <name:count>', 'seed an Auth0 role with that many users (repeatable)', collect)
    .option('--verbose', 'log each request (method, path, status) to stderr')
    .addHelpText(
      'after',
      '\nExample:\n  $ okta-m2m emulator start --port 0 --json   # one JSON line: orgUrl, adminToken\n',
    )
    .action(action(lazy(run, (m) => m.start)));
}

function collectFault(value: string, previous: FaultKind[] = []): FaultKind[] {
  if (!(FAULT_KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${FAULT_KINDS.join(', ')}.`);
  }
  return [...previous, value as FaultKind];
}
