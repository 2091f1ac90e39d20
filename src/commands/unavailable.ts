import { CliError } from '../errors.js';

/** For commands whose body has not landed yet: say so plainly, exit 1. */
export function notAvailableYet(command: string): never {
  throw new CliError(`"okta-m2m ${command}" is not available yet in this version.`, {
    hint: 'See the README for the commands that work today.',
  });
}
