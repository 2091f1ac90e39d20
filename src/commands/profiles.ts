import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { lazy } from './action.js';

// The handlers load only when a profiles command (or logout) runs.
const run = () => import('./profiles-run.js');

export function registerProfiles(program: Command, action: ActionFactory): void {
  const group = program.command('profiles').description('list, switch and remove connection profiles');
  group.command('list', { isDefault: true }).description('list the profiles').action(action(lazy(run, (m) => m.list)));
  group.command('use').description('make a profile the current one').argument('<name>').action(action(lazy(run, (m) => m.use)));
  group
    .command('remove')
    .description('remove a profile and its credentials from the keychain')
    .argument('<name>')
    .action(action(lazy(run, (m) => m.remove)));

  program
    .command('logout')
    .description("remove the current profile's credentials from the keychain and the profile itself")
    .action(action(lazy(run, (m) => m.logout)));
}
