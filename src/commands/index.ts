import type { Command } from 'commander';
import type { ActionFactory } from './action.js';
import { registerCompletion } from './completion.js';
import { registerProfiles } from './profiles.js';
import { registerScimToken } from './scim-token.js';
import { registerStubs } from './stubs.js';

/**
 * Every top-level command. Registration files import only light modules: the Okta, Auth0 and AWS SDKs and the
 * prompts are loaded inside the actions that need them, so `--help` and `scim-token` start fast.
 */
export function registerCommands(program: Command, action: ActionFactory): void {
  registerStubs(program, action);
  registerProfiles(program, action);
  registerScimToken(program, action);
  registerCompletion(program, action);
}
