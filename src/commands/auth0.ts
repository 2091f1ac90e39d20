import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collectList, lazy } from './action.js';

// The handlers (with the auth0 SDK and the prompts) load only when an auth0 command runs.
const run = () => import('./auth0-run.js');

export function registerAuth0(program: Command, action: ActionFactory): void {
  const group = program.command('auth0').description('the same setup on Auth0: an API, a machine-to-machine application and its grant');

  group
    .command('login')
    .description("connect a profile to an Auth0 tenant with a management application's client credentials")
    .option('--domain <domain>', 'the tenant domain, such as acme.eu.auth0.com')
    .option('--client-id <id>', 'the client id of a machine-to-machine application authorized for the Management API')
    .option('--client-secret-stdin', 'read its client secret from stdin (else $OKTA_M2M_AUTH0_MANAGEMENT_SECRET, else a prompt)')
    .option('--base-url <url>', 'a local emulator origin (http://127.0.0.1:port) in place of https://{domain}')
    .addHelpText(
      'after',
      `
The management application needs these Management API scopes:
  auth0 init / destroy: create/read/update/delete:clients, :resource_servers and :client_grants
  sync auth0-role:      read:users read:roles read:role_members

Examples:
  $ okta-m2m auth0 login --domain acme.eu.auth0.com --client-id abc123 --client-secret-stdin < secret.txt
  $ okta-m2m auth0 login --base-url http://127.0.0.1:8708 --client-id <id> --client-secret-stdin   (the emulator)
`,
    )
    .action(action(lazy(run, (m) => m.login)));

  group
    .command('init')
    .description('create or update the API, the M2M application and the client grant (idempotent)')
    .option('--name <name>', 'the name of the API and of the application')
    .option('--audience <identifier>', 'the API identifier: the audience of the tokens')
    .option('--scope <scope>', 'a scope of the API, granted to the application (repeatable, or comma separated)', collectList)
    .option('--dry-run', 'print the plan and stop')
    .addHelpText(
      'after',
      `
A re-run with no flags uses what the last run recorded in .okta-m2m/state.json; a re-run that finds everything as
specified changes nothing. The client secret goes to the OS keychain, never to a file or the screen.

Example:
  $ okta-m2m auth0 init --name orders-api --audience https://api.example.com/orders --scope orders:read --yes
  $ okta-m2m token get --provider auth0
`,
    )
    .action(action(lazy(run, (m) => m.init)));

  group
    .command('destroy')
    .description('remove what auth0 init made (only what the project state records), grant first')
    .option('--dry-run', 'list what would be removed and stop')
    .action(action(lazy(run, (m) => m.destroyCommand)));

  group
    .command('status')
    .description('show the Auth0 connection, the scopes granted, and whether what init made still exists')
    .action(action(lazy(run, (m) => m.status)));
}
