import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { saveProfiles } from '../config/profiles.js';
import { examples } from './define.js';
import { forgetCredentials } from './profiles/shared.js';

export const command = () =>
  new Command('logout')
    .description("remove the current profile's credentials from the keychain and the profile itself")
    .addHelpText('after', examples('okta-m2m logout', 'okta-m2m logout --profile staging'));

export type LogoutOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, _options: LogoutOptions): Promise<void> {
  const doc = await ctx.profiles();
  const name = await ctx.profileName();
  const removedSecrets = await forgetCredentials(ctx, name);
  const { [name]: profile, ...rest } = doc.profiles;
  if (profile) await saveProfiles({ current: doc.current, profiles: rest }, ctx.env);
  if (!profile && removedSecrets === 0) ctx.ui.info(`profile "${name}" was not logged in`);
  else ctx.ui.success(`logged out of profile "${name}"`);
}
