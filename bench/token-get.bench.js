// `okta-m2m token get --raw` against a bare node script doing the same token POST with fetch: same emulator,
// same run, interleaved. The CLI's cost is its start-up and argument handling; the aim is at most 1.3x.
import { join } from 'node:path';
import { cli, interleave, median, medianFigure, repoRoot, round, timeProcess } from './lib.js';

export const title = 'token get';

export default async function run({ budgetMs }) {
  const { startEmulator, provisionClientCredentials } = await import('../dist/emulator.js');
  const emulator = await startEmulator({ port: 0, rateLimits: 'off' }); // speed, not Okta's rate limits
  try {
    const fixture = await provisionClientCredentials(emulator.url, emulator.adminToken, {
      authMethod: 'client_secret_basic',
    });
    const env = {
      ...process.env,
      NO_COLOR: '1',
      OKTA_M2M_CLIENT_SECRET: fixture.clientSecret,
      OKTA_M2M_CONFIG_DIR: join(repoRoot, 'bench', '.config'),
    };
    const samples = await interleave(
      {
        bare: () =>
          timeProcess(
            process.execPath,
            [
              join(repoRoot, 'bench', 'fixtures', 'bare-token-fetch.mjs'),
              fixture.tokenUrl,
              fixture.clientId,
              fixture.scope,
            ],
            { env },
          ),
        cli: () =>
          timeProcess(
            process.execPath,
            [
              cli,
              'token',
              'get',
              '--raw',
              '--no-cache',
              '--token-url',
              fixture.tokenUrl,
              '--client-id',
              fixture.clientId,
              '--scope',
              fixture.scope,
            ],
            { env },
          ),
      },
      { rounds: 20, budgetMs },
    );
    const bare = median(samples.bare);
    return [
      { name: 'bare fetch script (baseline)', value: round(bare), unit: 'ms' },
      medianFigure('okta-m2m token get --raw', samples.cli, bare, 1.15),
    ];
  } finally {
    await emulator.stop();
  }
}
