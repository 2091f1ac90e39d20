import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { registerAuth0 } from './auth0.js';
import { registerCompletion } from './completion.js';
import { registerHook } from './hook.js';
import { registerInit } from './init.js';
import { registerLogin } from './login.js';
import { registerEmulator } from './emulator.js';
import { registerProfiles } from './profiles.js';
import { registerScimToken } from './scim-token.js';
import { registerSync } from './sync.js';
import { registerToken } from './token.js';

/**
 * Every top-level command. Registration files import only light modules: the Okta, Auth0 and AWS SDKs and the
 * prompts are loaded inside the actions that need them, so `--help` and `scim-token` start fast.
 */
export function registerCommands(program: Command, action: ActionFactory): void {
  // In the order a newcomer meets them; --help lists them so.
  registerLogin(program, action);
  registerProfiles(program, action);
  registerInit(program, action);
  registerToken(program, action);
  registerScimToken(program, action);
  registerHook(program, action);
  registerAuth0(program, action);
  registerSync(program, action);
  registerEmulator(program, action);
  registerCompletion(program, action);
}

/** The subcommands of each group, for the top-level help: "token get | decode | verify". */
export function commandTree(program: Command): string {
  const lines = program.commands
    .filter((command) => command.commands.length > 0)
    .map((command) => `  ${command.name()} ${command.commands.map((sub) => sub.name()).join(' | ')}`);
  return lines.length ? `\nSubcommands:\n${lines.join('\n')}\n` : '';
}
