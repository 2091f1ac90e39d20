#!/usr/bin/env node
// The test suite with a keychain to talk to: vitest inside scripts/with-keyring.js. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const withKeyring = fileURLToPath(new URL('./with-keyring.js', import.meta.url));
const result = spawnSync(process.execPath, [withKeyring, 'npx', 'vitest', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
