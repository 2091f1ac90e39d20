import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { checkProfileName, saveProfiles } from '../../config/profiles.js';
import { examples } from '../define.js';
import { forgetCredentials, unknownProfile } from './shared.js';

export const command = () =>
  new Command('remove')
    .description('remove a profile and its credentials from the keychain')
    .argument('<name>')
    .addHelpText('after', examples('okta-m2m profiles remove staging'));

type RemoveOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, _options: RemoveOptions, name: string): Promise<void> {
  const doc = await ctx.profiles();
  const wanted = checkProfileName(name);
  if (!doc.profiles[wanted]) throw unknownProfile(wanted, Object.keys(doc.profiles));
  await forgetCredentials(ctx, wanted);
  const { [wanted]: _removed, ...rest } = doc.profiles;
  await saveProfiles({ current: doc.current === wanted ? 'default' : doc.current, profiles: rest }, ctx.env);
  ctx.ui.success(`removed profile "${wanted}"`);
}
