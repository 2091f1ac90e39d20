import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { table } from '../../ui/format.js';
import { examples } from '../define.js';

export const command = () =>
  new Command('list')
    .description('list the profiles')
    .addHelpText('after', examples('okta-m2m profiles list', 'okta-m2m profiles list --json'));

export async function run(ctx: Context): Promise<void> {
  const doc = await ctx.profiles();
  const current = await ctx.profileName();
  const rows = Object.entries(doc.profiles).map(([name, profile]) => ({
    name,
    current: name === current,
    orgUrl: profile.orgUrl ?? null,
    authMode: profile.authMode ?? null,
    auth0Domain: profile.auth0?.domain ?? null,
  }));
  ctx.ui.result(rows, () =>
    rows.length === 0
      ? 'No profiles yet. Run "okta-m2m login" to make one.'
      : table(
          ['', 'PROFILE', 'OKTA ORG', 'AUTH', 'AUTH0 TENANT'],
          rows.map((row) => [
            row.current ? '*' : '',
            row.name,
            row.orgUrl ?? '-',
            row.authMode ?? '-',
            row.auth0Domain ?? '-',
          ]),
        ),
  );
}
