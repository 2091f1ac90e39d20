import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collect, lazy } from './action.js';
import { integer } from './numbers.js';

// The handler (with the Auth0 and Okta SDKs) loads only when sync runs.
const run = () => import('./sync-run.js');

export function registerSync(program: Command, action: ActionFactory): void {
  const group = program.command('sync').description("provision an Auth0 role's users into an Okta group");
  group
    .command('auth0-role')
    .description("create the users of an Auth0 role in Okta (matched by login = email) and put them in an Okta group")
    .requiredOption('--role <name|id>', 'the Auth0 role (its name, or its id rol_...)')
    .requiredOption('--group <name|id>', 'the Okta group (its name, or its id 00g...)')
    .option('--create-group', 'create the Okta group when there is none by that name')
    .option('--activate', 'activate the users it creates: Okta e-mails each an activation link and they stay PROVISIONED until used (default: staged, no email sent)')
    .option('--prune', 'remove from the group the members who are not in the role')
    .option('--dry-run', 'list the changes and make none')
    .option('--map <okta.field=auth0.path>', 'another attribute to copy, such as department=user_metadata.department (repeatable)', collect)
    .option('--concurrency <n>', 'users worked on at once', integer(1, 32), 8)
    .addHelpText(
      'after',
      `
Each Auth0 user of the role becomes an Okta user with login and email = the Auth0 email, firstName / lastName from
user_metadata.firstName / lastName (else given_name / family_name, else the name split in two). Users without an
email, or with metadata of the wrong type, are skipped and reported. Running it again changes nothing; an
interrupted run is completed by the next one, without duplicates. Needs read:users read:roles read:role_members on
the Auth0 side ("okta-m2m auth0 login") and an Okta login allowed to manage users and groups ("okta-m2m login").

Examples:
  $ okta-m2m sync auth0-role --role staff --group "Auth0 staff" --create-group --dry-run
  $ okta-m2m sync auth0-role --role staff --group "Auth0 staff" --create-group --activate --prune
`,
    )
    .action(action(lazy(run, (m) => m.syncAuth0Role)));
}
