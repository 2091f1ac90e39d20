import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { confirmOrYes } from '../../ui/prompt.js';
import { examples } from '../define.js';
import { planItemJson, planJson, renderPlan } from '../../ui/plan.js';

export const command = () =>
  new Command('destroy')
    .description('remove what auth0 init made (only what the project state records), grant first')
    .option('--dry-run', 'list what would be removed and stop')
    .addHelpText('after', examples('okta-m2m auth0 destroy --dry-run', 'okta-m2m auth0 destroy --yes'));

type DestroyOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: DestroyOptions): Promise<void> {
  const [{ requireAuth0Profile }, { requireScopes }, setup, { readAuth0State, Auth0StateRecorder }] = await Promise.all(
    [
      import('../../auth0/connect.js'),
      import('../../auth0/scopes.js'),
      import('../../auth0/setup/destroy.js'),
      import('../../auth0/setup/state.js'),
    ],
  );
  const name = await ctx.profileName();
  const doc = await ctx.profiles();
  const projectState = await ctx.state();
  const recorded = readAuth0State(projectState, name);
  if (!recorded) {
    ctx.ui.info(`"auth0 init" has made nothing here for profile "${name}" (${projectState.file}).`);
    ctx.ui.result({ profile: name, deleted: [] }, () => 'nothing to destroy');
    return;
  }
  const profile = requireAuth0Profile(doc, name);
  if (recorded.domain !== profile.domain) {
    throw new UsageError(
      `The project state was made for ${recorded.domain}, but profile "${name}" uses ${profile.domain}.`,
      {
        hint: 'Use the profile that ran init (--profile).',
      },
    );
  }
  const items = setup.destroyPlan(recorded);
  const kept = setup.keptByDestroy(recorded);
  // Each object the state names is read and checked before anything is shown as to be deleted (the state is data).
  const mgmt = items.length ? await ctx.auth0() : undefined;
  if (mgmt) await setup.checkDestroyTargets(mgmt, recorded);
  const plan = { items, changed: items.length > 0 };
  for (const item of kept) {
    ctx.ui.info(`left in place: ${item.kind} ${item.name} (${item.id}) existed before "auth0 init" took it over.`);
  }
  if (options.dryRun) {
    ctx.ui.result({ ...planJson(plan), kept: kept.map(planItemJson) }, () => renderPlan(plan));
    return;
  }
  ctx.ui.info(renderPlan(plan));
  if (items.length && !(await confirmOrYes(ctx.ui, ctx.globals.yes, `Delete these from ${recorded.domain}?`))) {
    ctx.ui.info('nothing changed.');
    return;
  }
  if (mgmt) requireScopes('auth0 init / destroy', (await mgmt.tokens.get()).scopes);
  const recorder = new Auth0StateRecorder(projectState, name, recorded);
  const deleted: Array<{ kind: string; id?: string | undefined }> = [];
  await setup.destroy(
    {
      mgmt: mgmt ?? (await ctx.auth0()),
      profile: name,
      secrets: ctx.secrets,
      recorder,
      report: (event) => {
        deleted.push({ kind: event.kind, id: event.id });
        ctx.ui.success(`${event.action} ${event.kind} ${event.name}${event.id ? ` (${event.id})` : ''}`);
      },
    },
    recorded,
  );
  ctx.ui.result({ profile: name, domain: recorded.domain, deleted }, () =>
    deleted.length ? `removed ${deleted.length} object(s) from ${recorded.domain}` : 'nothing was left to remove',
  );
}
