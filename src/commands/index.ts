import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { bind, type MakeContext } from './define.js';
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
import * as profilesStatus from './profiles/status.js';
import * as secretShow from './secret/show.js';
import * as profilesUse from './profiles/use.js';
import * as rotateKey from './rotate/key.js';
import * as rotateSecret from './rotate/secret.js';
import * as scimTokenDecode from './scim-token/decode.js';
import * as scimTokenEncode from './scim-token/encode.js';
import * as status from './status.js';
import * as syncAuth0Role from './sync/auth0-role.js';
import * as tokenDecode from './token/decode.js';
import * as tokenGet from './token/get.js';
import * as tokenProof from './token/proof.js';
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

  program.addCommand(bind(login.command(), login.run, make));
  group('profiles', 'list, switch and remove connection profiles')
    .addCommand(bind(profilesList.command(), profilesList.run, make), { isDefault: true })
    .addCommand(bind(profilesUse.command(), profilesUse.run, make))
    .addCommand(bind(profilesRemove.command(), profilesRemove.run, make))
    .addCommand(bind(profilesStatus.command(), profilesStatus.run, make));
  program.addCommand(bind(logout.command(), logout.run, make));
  program.addCommand(bind(init.command(), init.run, make));
  program.addCommand(bind(destroy.command(), destroy.run, make));
  program.addCommand(bind(status.command(), status.run, make));
  group('secret', 'hand a consumer its client secret', bind(secretShow.command(), secretShow.run, make));
  group(
    'rotate',
    'replace a client secret or key without downtime (two overlap, then the old one goes)',
    bind(rotateSecret.command(), rotateSecret.run, make),
    bind(rotateKey.command(), rotateKey.run, make),
  );
  group(
    'token',
    'get, decode and verify access tokens; make proofs for DPoP',
    bind(tokenGet.command(), tokenGet.run, make),
    bind(tokenProof.command(), tokenProof.run, make),
    bind(tokenDecode.command(), tokenDecode.run, make),
    bind(tokenVerify.command(), tokenVerify.run, make),
  );
  group(
    'scim-token',
    'make and read the SCIM bridge token an Okta SCIM app sends to the bridge Lambda',
    bind(scimTokenEncode.command(), scimTokenEncode.run, make),
    bind(scimTokenDecode.command(), scimTokenDecode.run, make),
  );
  group(
    'hook',
    'build, serve and deploy the Lambda templates (scim-bridge, token-hook)',
    bind(hookBuild.command(), hookBuild.run, make),
    bind(hookServe.command(), hookServe.run, make),
    bind(hookDeploy.command(), hookDeploy.run, make),
    bind(hookRemove.command(), hookRemove.run, make),
  );
  group(
    'auth0',
    'the same setup on Auth0: an API, a machine-to-machine application and its grant',
    bind(auth0Login.command(), auth0Login.run, make),
    bind(auth0Init.command(), auth0Init.run, make),
    bind(auth0Destroy.command(), auth0Destroy.run, make),
    bind(auth0Status.command(), auth0Status.run, make),
  );
  group(
    'sync',
    "provision an Auth0 role's users into an Okta group",
    bind(syncAuth0Role.command(), syncAuth0Role.run, make),
  );
  group(
    'emulator',
    'a local Okta org (and Auth0 tenant) over real HTTP, for trying and testing',
    bind(emulatorStart.command(), emulatorStart.run, make),
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
