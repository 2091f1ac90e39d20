import { Command } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { saveProfiles } from '../config/profiles.js';
import { confirmOrYes } from '../ui/prompt.js';
import { examples } from './define.js';
import { forgetCredentials } from './profiles/shared.js';
import { TOP_LEVEL_SUMMARIES } from './summaries.js';

export const command = () =>
  new Command('logout')
    .description(TOP_LEVEL_SUMMARIES.logout.description)
    .option(
      '--remote',
      'also remove what "login --oauth --bootstrap" made in the org: the app, its grants, role assignment, custom role and resource set (the same as "destroy --login")',
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
  const name = await ctx.profileName();
  if (options.apiTokenStdin && !options.remote)
    throw new UsageError('--api-token-stdin goes with --remote.', { hint: 'Add --remote, or leave it out.' });
  if (options.remote) return removeOwnLogin(ctx, name, { apiTokenStdin: options.apiTokenStdin });
  await forgetLogin(ctx, name, (await ctx.profiles()).profiles[name]?.clientId);
}

/** The local half of a logout: the profile's credentials in the keychain (its login's DPoP key too), then the profile. */
async function forgetLogin(ctx: Context, name: string, clientId?: string): Promise<void> {
  const doc = await ctx.profiles();
  let removedSecrets = await forgetCredentials(ctx, name);
  if (clientId && (await ctx.secrets.delete((await import('../secrets/refs.js')).secretRefs.dpopKey(name, clientId))))
    removedSecrets += 1;
  const { [name]: profile, ...rest } = doc.profiles;
  if (profile) await saveProfiles({ current: doc.current, profiles: rest }, ctx.env);
  if (!profile && removedSecrets === 0) ctx.ui.info(`profile "${name}" was not logged in`);
  else ctx.ui.success(`logged out of profile "${name}"`);
}

export interface RemoveLoginOptions {
  apiTokenStdin?: boolean | undefined;
  /** List what would be removed (from what the profile records) and stop. */
  dryRun?: boolean | undefined;
}

/**
 * `logout --remote` and `destroy --login` (one operation, two entry points): removes what "login --oauth
 * --bootstrap" made in the org, each object read back first and removed only if it is the one okta-m2m made,
 * then logs the profile out. Removing an app's grants and admin roles takes an admin (only a super admin manages
 * roles and grants), so it runs with an API token used once, as the bootstrap did.
 */
export async function removeOwnLogin(ctx: Context, name: string, options: RemoveLoginOptions): Promise<void> {
  const doc = await ctx.profiles();
  const profile = doc.profiles[name];
  const record = profile?.bootstrap;
  if (!profile?.orgUrl || !record?.appId) {
    throw new UsageError(`Profile "${name}" has no app made by "login --oauth --bootstrap" to remove.`, {
      hint: 'Run "okta-m2m logout" without --remote.',
    });
  }
  const [{ promptApiToken, readApiToken }, { createOktaClient }, setup, { bootstrapLabel }, { accessLabel: label }] =
    await Promise.all([
      import('./login-input.js'),
      import('../okta/client.js'),
      import('../okta/bootstrap/setup.js'),
      import('../okta/bootstrap/scopes.js'),
      import('./okta-access-text.js'),
    ]);
  const labels = { app: bootstrapLabel(name), access: bootstrapLabel(name) };
  const line = (t: { kind: string; name: string; id: string }) => `  - ${label(t.kind)} ${t.name} (${t.id})`;
  const local = `  - the profile "${name}" and its keychain entries (private key, DPoP key, cached tokens)`;
  if (options.dryRun) {
    const targets = setup.recordedTargets(record, labels);
    ctx.ui.result({ profile: name, orgUrl: profile.orgUrl, delete: targets, dryRun: true }, () =>
      [
        `Would remove from ${profile.orgUrl} (each read back first; only what okta-m2m made is deleted):`,
        ...targets.map(line),
        local,
      ].join('\n'),
    );
    return;
  }
  ctx.ui.info(
    [`This removes from ${profile.orgUrl}:`, ...setup.recordedTargets(record, labels).map(line), local].join('\n'),
  );
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Delete these objects?')))
    throw new UsageError('nothing deleted.', { hint: 'Pass --yes to confirm.' });
  const token =
    (await readApiToken(ctx, options))?.token ?? (ctx.ui.interactive ? await promptApiToken(ctx) : undefined);
  if (!token) {
    throw new UsageError("Removing okta-m2m's own app needs an admin API token, used once and not stored.", {
      hint: 'Pipe it in with --api-token-stdin, or set OKTA_M2M_API_TOKEN.',
    });
  }
  const admin = await createOktaClient({ orgUrl: profile.orgUrl, mode: 'ssws', token }, ctx.httpOptions());
  const targets = await setup.checkRemovalTargets(admin, record, labels);
  const kept = targets.filter((t) => t.state === 'not ours');
  for (const t of kept)
    ctx.ui.warn(`left in place: ${label(t.kind)} ${t.id} is not the one okta-m2m made for profile "${name}".`);
  const events = await setup.removeBootstrap(admin, record, targets, (event) =>
    event.result === 'deleted'
      ? ctx.ui.success(`deleted ${label(event.kind)} (${event.id})`)
      : ctx.ui.progress(`${label(event.kind)} ${event.id} was already gone`),
  );
  await forgetLogin(ctx, name, record.clientId);
  ctx.ui.result(
    { profile: name, orgUrl: profile.orgUrl, removed: events, kept },
    () =>
      `removed ${events.filter((e) => e.result === 'deleted').length} object(s) okta-m2m made for its own login` +
      `${kept.length ? `; left ${kept.length} that ${kept.length > 1 ? 'are' : 'is'} not its own` : ''}.`,
  );
}
