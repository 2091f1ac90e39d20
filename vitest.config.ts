import { defineConfig } from 'vitest/config';

/**
 * The suites that start child processes (the built CLI, `emulator start`, secret-tool, a bundled driver) or run
 * long fault matrices. Everything else is the unit lane: in process, over loopback HTTP, well under a minute.
 * A unit-lane suite that spawns fails (test/support/unit-lane.ts says how to move it here).
 */
export const SLOW = [
  'test/e2e/**',
  // 50,000-user role streams: the emulators' scale suites.
  'test/auth0/sync-stream.test.ts',
  'test/emulator/auth0-paging.test.ts',
  'test/cli/cli.test.ts',
  'test/cli/interrupt.test.ts',
  'test/contract/no-okta-sdk.test.ts',
  'test/commands/completion.test.ts',
  'test/commands/emulator.test.ts',
  'test/commands/hook-serve-register.test.ts',
  'test/commands/hook.test.ts',
  'test/commands/profiles.test.ts',
  'test/commands/scim-token.test.ts',
  'test/commands/token-cli.test.ts',
  'test/commands/token-emulator.test.ts',
  'test/emulator/auth0-tls.test.ts',
  'test/oauth/curl.test.ts',
  'test/okta/unreachable.test.ts',
  'test/reliability/**',
  'test/secrets/keychain.test.ts',
  'test/templates/scim-bridge-sealed.test.ts',
  'test/security/canaries.test.ts',
  'test/security/setup-ownership.test.ts',
  'test/security/auth0-destroy-ownership.test.ts',
  'test/security/hostile-cli-args.test.ts',
  'test/security/token-hook-denial.test.ts',
  'test/security/sealed-tokens.test.ts',
  'test/security/trust-boundary-cli.test.ts',
  'test/security/trust-boundary-handlers.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores here and in CI: more workers only fight over them.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: SLOW,
          setupFiles: ['test/support/unit-lane.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'slow', include: SLOW.map((glob) => (glob.endsWith('**') ? `${glob}/*.test.ts` : glob)) },
      },
    ],
  },
});
