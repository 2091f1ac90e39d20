import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { requireProfile } from '../config/profiles.js';
import { confirmOrYes } from '../ui/prompt.js';
import { examples } from './define.js';
import { label } from './okta-setup-text.js';

export const command = () =>
  new Command('destroy')
    .description('remove what init made (only what the project state records)')
    .addHelpText('after', examples('okta-m2m destroy', 'okta-m2m destroy --yes --json            in CI: no prompt, the result as JSON'));

export type DestroyOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, _options: DestroyOptions): Promise<void> {
  const { withCommandLock } = await import('./project-lock.js');
  return withCommandLock(ctx, 'destroy', () => execute(ctx, _options));
}

async function execute(ctx: Context, _options: DestroyOptions): Promise<void> {
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const { readOktaState } = await import('../okta/state.js');
  const projectState = await ctx.state();
  const recorded = readOktaState(projectState, name);
  if (!recorded) {
    ctx.ui.info(`init has made nothing here for profile "${name}" (${projectState.file}).`);
    ctx.ui.result({ profile: name, destroyed: [] }, () => 'nothing to destroy');
    return;
  }
  const profile = requireProfile(doc, name);
  const [{ destroy, destroyTargets, forgetClientCredentials }, { normalizeOrgUrl }] = await Promise.all([
    import('../okta/destroy.js'),
    import('../okta/client.js'),
  ]);
  if (normalizeOrgUrl(profile.orgUrl as string) !== recorded.orgUrl) {
    throw new UsageError(`The project state here is for ${recorded.orgUrl}, but profile "${name}" uses ${profile.orgUrl}.`, {
      hint: 'Use the profile of that org (--profile).',
    });
  }
  const targets = destroyTargets(recorded);
  ctx.ui.info(
    ['This removes from ' + recorded.orgUrl + ':', ...targets.map((t) => `  - ${label(t.kind) || t.kind} ${t.name ?? ''} (${t.id})`)].join('\n'),
  );
  const yes = await confirmOrYes(ctx.ui, ctx.globals.yes, 'Delete these objects?');
  if (!yes) {
    ctx.ui.info('nothing deleted.');
    return;
  }
  const client = await ctx.okta();
  const events = await destroy(client, recorded, (event) =>
    event.result === 'deleted'
      ? ctx.ui.success(`deleted ${label(event.kind)} ${event.name ?? ''} (${event.id})`)
      : ctx.ui.progress(`${label(event.kind)} ${event.id} was already gone`),
  );
  await forgetClientCredentials(ctx.secrets, name, recorded.clientId);
  await (await import('../oauth/token-cache.js')).clearProfileTokens(ctx.secrets, name);
  await projectState.set(name, 'okta', undefined);
  ctx.ui.result({ profile: name, orgUrl: recorded.orgUrl, destroyed: events }, () =>
    `removed ${events.filter((e) => e.result === 'deleted').length} object(s); the project state and the keychain entries are cleared.`,
  );
}
