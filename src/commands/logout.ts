import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { saveProfiles } from '../config/profiles.js';
import { confirmOrYes } from '../ui/prompt.js';
import { examples } from './define.js';
import { forgetCredentials } from './profiles/shared.js';

export const command = () =>
  new Command('logout')
    .description("remove the current profile's credentials from the keychain and the profile itself")
    .option(
      '--remote',
      'also remove what "login --oauth --bootstrap" made in the org: the app, its grants, role assignment, custom role and resource set',
    )
    .option(
      '--api-token-stdin',
      'with --remote: an admin API token for the removal, from stdin (else $OKTA_M2M_API_TOKEN, else a prompt)',
    )
    .addHelpText(
      'after',
      examples(
        'okta-m2m logout',
        'okta-m2m logout --profile staging',
        'okta-m2m logout --remote --api-token-stdin --yes < token.txt',
      ),
    );

type LogoutOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: LogoutOptions): Promise<void> {
  const doc = await ctx.profiles();
  const name = await ctx.profileName();
  if (options.apiTokenStdin && !options.remote)
    throw new UsageError('--api-token-stdin goes with --remote.', { hint: 'Add --remote, or leave it out.' });
  if (options.remote) await removeRemote(ctx, name, options);
  const removedSecrets = await forgetCredentials(ctx, name);
  const { [name]: profile, ...rest } = doc.profiles;
  if (profile) await saveProfiles({ current: doc.current, profiles: rest }, ctx.env);
  if (!profile && removedSecrets === 0) ctx.ui.info(`profile "${name}" was not logged in`);
  else ctx.ui.success(`logged out of profile "${name}"`);
}

/**
 * Removing an app, its grants and admin roles takes an admin (Okta lets only a super admin manage roles and
 * grants), so the removal runs with an API token used once, as the bootstrap did.
 */
async function removeRemote(ctx: Context, name: string, options: LogoutOptions): Promise<void> {
  const doc = await ctx.profiles();
  const profile = doc.profiles[name];
  const record = profile?.bootstrap;
  if (!profile?.orgUrl || !record?.appId) {
    throw new UsageError(`Profile "${name}" has no app made by "login --oauth --bootstrap" to remove.`, {
      hint: 'Run "okta-m2m logout" without --remote.',
    });
  }
  const [{ promptApiToken, readApiToken }, { createOktaClient }, { removeBootstrap }, { accessLabel: label }] =
    await Promise.all([
      import('./login-input.js'),
      import('../okta/client.js'),
      import('../okta/bootstrap/setup.js'),
      import('./okta-access-text.js'),
    ]);
  const parts = [
    `  - admin role assignment ${record.assignmentId ?? '(none recorded)'}`,
    ...(record.roleId ? [`  - custom admin role ${record.roleId}`] : []),
    ...(record.resourceSetId ? [`  - resource set ${record.resourceSetId}`] : []),
    ...Object.entries(record.grantIds ?? {}).map(([scope, id]) => `  - scope grant ${scope} (${id})`),
    `  - app ${record.appId} (client ${record.clientId ?? '?'})`,
  ];
  ctx.ui.info([`This removes from ${profile.orgUrl}:`, ...parts].join('\n'));
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Delete these objects?')))
    throw new UsageError('nothing deleted.', { hint: 'Pass --yes to confirm.' });
  const token =
    (await readApiToken(ctx, options))?.token ?? (ctx.ui.interactive ? await promptApiToken(ctx) : undefined);
  if (!token) {
    throw new UsageError('--remote needs an admin API token, used once and not stored.', {
      hint: 'Pipe it in with --api-token-stdin, or set OKTA_M2M_API_TOKEN.',
    });
  }
  const admin = await createOktaClient({ orgUrl: profile.orgUrl, mode: 'ssws', token }, ctx.httpOptions());
  const events = await removeBootstrap(admin, record, (event) =>
    event.result === 'deleted'
      ? ctx.ui.success(`deleted ${label(event.kind)} (${event.id})`)
      : ctx.ui.progress(`${label(event.kind)} ${event.id} was already gone`),
  );
  ctx.ui.result(
    { profile: name, orgUrl: profile.orgUrl, removed: events },
    () => `removed ${events.filter((e) => e.result === 'deleted').length} object(s) okta-m2m made for its own login.`,
  );
}
