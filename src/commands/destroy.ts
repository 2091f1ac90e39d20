import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { requireProfile } from '../config/profiles.js';
import { confirmOrYes } from '../ui/prompt.js';
import { examples } from './define.js';
import { oktaLabel as label } from '../ui/plan.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

export const command = () =>
  new Command('destroy')
    .description(TOP_LEVEL_SUMMARIES.destroy.description)
    .option('--dry-run', 'list what would be removed and stop')
    .option(
      '--login',
      'instead: remove what "login --oauth --bootstrap" made in the org (app, grants, role assignment, custom role, resource set), then log the profile out; the same as "logout --remote"',
    )
    .option(
      '--api-token-stdin',
      'with --login: an admin API token for the removal, from stdin (else $OKTA_M2M_API_TOKEN, else a prompt)',
    )
    .addHelpText(
      'after',
      examples(
        'okta-m2m destroy',
        'okta-m2m destroy --dry-run',
        'okta-m2m destroy --yes --json            in CI: no prompt, the result as JSON',
        "okta-m2m destroy --login --dry-run       what removing okta-m2m's own login app would delete",
        'okta-m2m destroy --login --api-token-stdin --yes < token.txt',
      ),
    );

type DestroyOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: DestroyOptions): Promise<void> {
  if (options.apiTokenStdin && !options.login)
    throw new UsageError('--api-token-stdin goes with --login.', { hint: 'Add --login, or leave it out.' });
  if (options.login) {
    const { removeOwnLogin } = await import('./logout.js');
    return removeOwnLogin(ctx, await ctx.profileName(), options);
  }
  const { withCommandLock } = await import('./project-lock.js');
  return withCommandLock(ctx, 'destroy', () => execute(ctx, options));
}

async function execute(ctx: Context, options: DestroyOptions): Promise<void> {
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const oktaApi = await (await import('./init-okta-api.js')).recordedOktaApi(ctx, name);
  if (oktaApi) return (await import('./init-okta-api.js')).destroyOktaApi(ctx, oktaApi);
  const { readOktaState } = await import('../okta/setup/state.js');
  const projectState = await ctx.state();
  const recorded = readOktaState(projectState, name);
  if (!recorded) {
    ctx.ui.info(`init has made nothing here for profile "${name}" (${projectState.file}).`);
    ctx.ui.result({ profile: name, deleted: [] }, () => 'nothing to destroy');
    return;
  }
  const profile = requireProfile(doc, name);
  const [{ checkTargets, destroy, forgetClientCredentials }, { normalizeOrgUrl }] = await Promise.all([
    import('../okta/setup/destroy.js'),
    import('../okta/client.js'),
  ]);
  if (normalizeOrgUrl(profile.orgUrl as string) !== recorded.orgUrl) {
    throw new UsageError(
      `The project state here is for ${recorded.orgUrl}, but profile "${name}" uses ${profile.orgUrl}.`,
      {
        hint: 'Use the profile of that org (--profile).',
      },
    );
  }
  // Every object the state names is read and checked before anything is deleted (the state file is data).
  const client = await ctx.okta();
  const { targets, kept } = await checkTargets(client, recorded);
  for (const t of kept)
    ctx.ui.info(
      `left in place: ${label(t.kind) || t.kind} ${t.name ?? ''} (${t.id}) was not made by okta-m2m (adopted).`,
    );
  const line = (t: { kind: string; name?: string | undefined; id: string }) =>
    `  - ${label(t.kind) || t.kind} ${t.name ?? ''} (${t.id})`;
  if (options.dryRun) {
    ctx.ui.result({ profile: name, orgUrl: recorded.orgUrl, delete: targets, kept }, () =>
      ['Would remove from ' + recorded.orgUrl + ':', ...targets.map(line)].join('\n'),
    );
    return;
  }
  ctx.ui.info(['This removes from ' + recorded.orgUrl + ':', ...targets.map(line)].join('\n'));
  const yes = await confirmOrYes(ctx.ui, ctx.globals.yes, 'Delete these objects?');
  if (!yes) {
    ctx.ui.info('nothing deleted.');
    return;
  }
  const events = await destroy(client, recorded, targets, (event) =>
    event.result === 'deleted'
      ? ctx.ui.success(`deleted ${label(event.kind)} ${event.name ?? ''} (${event.id})`)
      : ctx.ui.progress(`${label(event.kind)} ${event.id} was already gone`),
  );
  await forgetClientCredentials(ctx.secrets, name, recorded.clientId);
  await (await import('../oauth/token-cache.js')).clearProfileTokens(ctx.secrets, name);
  await projectState.set(name, 'okta', undefined);
  ctx.ui.result(
    { profile: name, orgUrl: recorded.orgUrl, deleted: events, kept },
    () =>
      `removed ${events.filter((e) => e.result === 'deleted').length} object(s); the project state and the keychain entries are cleared.`,
  );
}
