import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { notAvailableYet } from './unavailable.js';

/** Commands whose bodies land with later work; registered now so the tree is whole. */
export function registerStubs(program: Command, action: ActionFactory): void {
  const stub = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(action(async () => notAvailableYet(name)));
  stub('login', 'connect a profile to an Okta org (API token, or OAuth with private_key_jwt)');
  stub('init', 'create (idempotently) the app, authorization server, scopes, policy and rule for M2M auth');
  stub('destroy', 'remove what init made');
  stub('status', 'show what init made and whether it still matches');
  stub('token', 'get, decode and verify access tokens');
  stub('hook', 'build, serve and deploy the Lambda templates (scim-bridge, token-hook)');
  stub('auth0', 'the same setup on Auth0');
  stub('sync', "provision an Auth0 role's users into an Okta group");
  stub('emulator', 'a local Okta org for trying and testing');
}
