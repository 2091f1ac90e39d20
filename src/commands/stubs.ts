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
}
