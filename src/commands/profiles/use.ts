import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { checkProfileName, saveProfiles } from '../../config/profiles.js';
import { examples } from '../define.js';
import { unknownProfile } from './shared.js';

export const command = () =>
  new Command('use')
    .description('make a profile the current one')
    .argument('<name>')
    .addHelpText(
      'after',
      examples(
        'okta-m2m profiles use staging',
        'okta-m2m --profile prod status            one command on another profile',
      ),
    );

type UseOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, _options: UseOptions, name: string): Promise<void> {
  const doc = await ctx.profiles();
  const wanted = checkProfileName(name);
  if (!doc.profiles[wanted]) throw unknownProfile(wanted, Object.keys(doc.profiles));
  await saveProfiles({ ...doc, current: wanted }, ctx.env);
  ctx.ui.success(`now using profile "${wanted}"`);
}
