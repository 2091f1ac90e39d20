/** Where the repository and the built CLI are. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
/** The built tree the spawned CLI runs from; OKTA_M2M_E2E_ROOT points at another one (bin/ and dist/) when set. */
const builtRoot = process.env.OKTA_M2M_E2E_ROOT ?? repoRoot;
/** bin/okta-m2m.js of the built tree. */
export const cliPath = join(builtRoot, 'bin', 'okta-m2m.js');

/** A suite that spawns the built CLI fails at once, and says why, when there is no build. */
export function requireBuilt(): void {
  if (!existsSync(join(builtRoot, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: run "npm run build" first.');
}
