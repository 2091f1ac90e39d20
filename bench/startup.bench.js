// CLI start-up: `okta-m2m --help` and `scim-token encode` against `node -e 0`, interleaved in the same run.
import { SCIM_TOKEN_ENCODE } from '../test/support/example-commands.js';
import { cli, interleave, median, medianFigure, round, timeProcess } from './lib.js';

export const title = 'CLI start-up';

export default async function run({ budgetMs }) {
  const env = { ...process.env, NO_COLOR: '1', OKTA_M2M_CLIENT_SECRET: 'bench-secret-value' };
  const encodeArgs = [cli, ...SCIM_TOKEN_ENCODE];
  const samples = await interleave(
    {
      baseline: () => timeProcess(process.execPath, ['-e', '0'], { env }),
      help: () => timeProcess(process.execPath, [cli, '--help'], { env }),
      encode: () => timeProcess(process.execPath, encodeArgs, { env }),
    },
    { rounds: 20, budgetMs },
  );
  const base = median(samples.baseline);
  return [
    { name: 'node -e 0 (baseline)', value: round(base), unit: 'ms' },
    medianFigure('okta-m2m --help', samples.help, base, 1.3),
    medianFigure('okta-m2m scim-token encode', samples.encode, base, 1.3),
  ];
}
