import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { bind, later, type MakeContext } from './define.js';
import * as auth0Destroy from './auth0/destroy.js';
import * as auth0Init from './auth0/init.js';
import * as auth0Login from './auth0/login.js';
import * as auth0Status from './auth0/status.js';
import * as completion from './completion.js';
import * as destroy from './destroy.js';
import * as emulatorStart from './emulator/start.js';
import * as hookBuild from './hook/build.js';
import * as hookDeploy from './hook/deploy.js';
import * as hookRemove from './hook/remove.js';
import * as hookServe from './hook/serve.js';
import * as init from './init.js';
import * as login from './login.js';
import * as logout from './logout.js';
import * as profilesList from './profiles/list.js';
import * as profilesRemove from './profiles/remove.js';
import * as profilesUse from './profiles/use.js';
import * as scimTokenDecode from './scim-token/decode.js';
import * as scimTokenEncode from './scim-token/encode.js';
import * as status from './status.js';
import * as syncAuth0Role from './sync/auth0-role.js';
import * as tokenDecode from './token/decode.js';
import * as tokenGet from './token/get.js';
import * as tokenVerify from './token/verify.js';

/**
 * Every command, in the order a newcomer meets them (--help lists them so). Each verb's file holds its Command and
 * its run(); the files import only light modules, and the Okta, Auth0 and AWS SDKs, the prompts and the emulator
 * load inside run(), so `--help` and `scim-token` start fast.
 */
export function registerCommands(program: CommandUnknownOpts, make: MakeContext): void {
  const group = (name: string, description: string, ...verbs: CommandUnknownOpts[]) => {
    const parent = new Command(name).description(description);
    for (const verb of verbs) parent.addCommand(verb);
    program.addCommand(parent);
    return parent;
  };

  program.addCommand(bind(login.command(), later(() => import('./login.js')), make));
  group('profiles', 'list, switch and remove connection profiles')
    .addCommand(bind(profilesList.command(), later(() => import('./profiles/list.js')), make), { isDefault: true })
    .addCommand(bind(profilesUse.command(), later(() => import('./profiles/use.js')), make))
    .addCommand(bind(profilesRemove.command(), later(() => import('./profiles/remove.js')), make));
  program.addCommand(bind(logout.command(), later(() => import('./logout.js')), make));
  program.addCommand(bind(init.command(), later(() => import('./init.js')), make));
  program.addCommand(bind(destroy.command(), later(() => import('./destroy.js')), make));
  program.addCommand(bind(status.command(), later(() => import('./status.js')), make));
  group(
    'token',
    'get, decode and verify access tokens',
    bind(tokenGet.command(), later(() => import('./token/get.js')), make),
    bind(tokenDecode.command(), later(() => import('./token/decode.js')), make),
    bind(tokenVerify.command(), later(() => import('./token/verify.js')), make),
  );
  group(
    'scim-token',
    'make and read the SCIM bridge token an Okta SCIM app sends to the bridge Lambda',
    bind(scimTokenEncode.command(), later(() => import('./scim-token/encode.js')), make),
    bind(scimTokenDecode.command(), later(() => import('./scim-token/decode.js')), make),
  );
  group(
    'hook',
    'build, serve and deploy the Lambda templates (scim-bridge, token-hook)',
    bind(hookBuild.command(), later(() => import('./hook/build.js')), make),
    bind(hookServe.command(), later(() => import('./hook/serve.js')), make),
    bind(hookDeploy.command(), later(() => import('./hook/deploy.js')), make),
    bind(hookRemove.command(), later(() => import('./hook/remove.js')), make),
  );
  group(
    'auth0',
    'the same setup on Auth0: an API, a machine-to-machine application and its grant',
    bind(auth0Login.command(), later(() => import('./auth0/login.js')), make),
    bind(auth0Init.command(), later(() => import('./auth0/init.js')), make),
    bind(auth0Destroy.command(), later(() => import('./auth0/destroy.js')), make),
    bind(auth0Status.command(), later(() => import('./auth0/status.js')), make),
  );
  group('sync', "provision an Auth0 role's users into an Okta group", bind(syncAuth0Role.command(), later(() => import('./sync/auth0-role.js')), make));
  group(
    'emulator',
    'a local Okta org (and Auth0 tenant) over real HTTP, for trying and testing',
    bind(emulatorStart.command(), later(() => import('./emulator/start.js')), make),
  );
  program.addCommand(bind(completion.command(), (ctx, _opts, shell) => completion.run(ctx, { program }, shell), make));
  inheritSettings(program);
}

/** What `program.command()` would have copied (output, exit override, help after errors) to commands made apart. */
function inheritSettings(parent: CommandUnknownOpts): void {
  for (const child of parent.commands) {
    child.copyInheritedSettings(parent);
    inheritSettings(child);
  }
}

/** The subcommands of each group, for the top-level help: "token get | decode | verify". */
export function commandTree(program: CommandUnknownOpts): string {
  const lines = program.commands
    .filter((command) => command.commands.length > 0)
    .map((command) => `  ${command.name()} ${command.commands.map((sub) => sub.name()).join(' | ')}`);
  return lines.length ? `\nSubcommands:\n${lines.join('\n')}\n` : '';
}
