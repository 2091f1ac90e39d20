import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collectList, lazy } from './action.js';

// The handlers (with the Okta SDK and the prompts) load only when init, destroy or status runs.
const run = () => import('./init-run.js');

export function registerInit(program: Command, action: ActionFactory): void {
  program
    .command('init')
    .description('create (idempotently) the app, authorization server, scopes, policy and rule for M2M auth')
    .option('--name <name>', 'name of the setup: the app and the authorization server are called this')
    .option('--audience <uri>', 'the audience (aud) of the access tokens (default: api://<name>)')
    .option('--description <text>', 'a description for the authorization server and policy')
    .option('--scope <scope>', 'a scope to make (repeatable, or comma separated)', collectList)
    .option('--default-scope <scope>', 'the scope Okta grants when a token request names none')
    .option('--auth-method <method>', 'client authentication: client_secret_basic (default), client_secret_post or private_key_jwt')
    .option('--token-lifetime <minutes>', 'access token lifetime in minutes, 5 to 1440 (default 60)')
    .option('--all-clients', 'let the access policy apply to every client of the server, not only the new app')
    .option('-f, --file <path>', 'read the setup from a file (okta-m2m.json)')
    .option('--save <path>', 'also write the setup to a file (for --file next time)')
    .option('--dry-run', 'print the plan and stop')
    .addHelpText(
      'after',
      `
The setup comes from the flags, else --file, else what the last init here applied, else ./okta-m2m.json, else
the wizard on a terminal. Running init again with the same setup changes nothing; a changed setup is updated in
place; an interrupted run is completed by running it again.

Examples:
  $ okta-m2m init --name orders-api --audience api://orders --scope orders:read --scope orders:write --yes
  $ okta-m2m init --file okta-m2m.json --dry-run
  $ okta-m2m init                       # the wizard, on a terminal
`,
    )
    .action(action(lazy(run, (m) => m.init)));

  program
    .command('destroy')
    .description('remove what init made (only what the project state records)')
    .action(action(lazy(run, (m) => m.destroyCommand)));

  program
    .command('status')
    .description('show what init made, whether it still matches, and whether a token can be had')
    .option('--no-token', 'do not try to get a token')
    .action(action(lazy(run, (m) => m.statusCommand)));
}
