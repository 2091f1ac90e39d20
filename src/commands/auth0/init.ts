import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { keyValues } from '../../ui/format.js';
import { confirmOrYes } from '../../ui/prompt.js';
import { examples } from '../define.js';
import { collectScopeNames } from '../options.js';
import { planJson, renderPlan } from '../../ui/plan.js';

export const command = () =>
  new Command('init')
    .description('create or update the API, the M2M application and the client grant (idempotent)')
    .option('--name <name>', 'the name of the API and of the application')
    .option('--audience <identifier>', 'the API identifier: the audience of the tokens')
    .option(
      '--scope <scope>',
      'a scope of the API, granted to the application (repeatable, or comma separated)',
      collectScopeNames,
    )
    .option('--dry-run', 'print the plan and stop')
    .addHelpText(
      'after',
      `
A re-run with no flags uses what the last run recorded in .okta-m2m/state.json; a re-run that finds everything as
specified changes nothing. The client secret goes to the OS keychain, never to a file or the screen.
${examples(
  'okta-m2m auth0 init --name orders-api --audience https://api.example.com/orders --scope orders:read --yes',
  'okta-m2m token get --provider auth0',
)}`,
    );

type InitOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: InitOptions): Promise<void> {
  const [
    { requireScopes },
    { observe },
    { computePlan },
    { applyPlan },
    { outputsOf },
    { validateAuth0Spec },
    { readAuth0State, Auth0StateRecorder },
  ] = await Promise.all([
    import('../../auth0/scopes.js'),
    import('../../auth0/setup/observe.js'),
    import('../../auth0/setup/plan.js'),
    import('../../auth0/setup/apply.js'),
    import('../../auth0/setup/outputs.js'),
    import('../../auth0/setup/spec.js'),
    import('../../auth0/setup/state.js'),
  ]);
  const name = await ctx.profileName();
  const projectState = await ctx.state();
  let recorded = readAuth0State(projectState, name);
  const flagScopes = options.scope;
  const spec = validateAuth0Spec({
    name: options.name ?? recorded?.spec?.name,
    audience: options.audience ?? recorded?.spec?.audience,
    scopes: flagScopes ?? recorded?.spec?.scopes ?? [],
  });

  const mgmt = await ctx.auth0();
  if (recorded && recorded.domain !== mgmt.target.domain) {
    ctx.ui.warn(
      `the project state here was made for ${recorded.domain}; profile "${name}" uses ${mgmt.target.domain}. Its ids are ignored.`,
    );
    recorded = undefined;
  }
  requireScopes('auth0 init / destroy', (await mgmt.tokens.get()).scopes);
  ctx.ui.progress(`reading what exists in ${mgmt.target.domain} ...`);
  const observed = await observe(mgmt, spec, recorded, ctx.secrets, name);
  const plan = computePlan(spec, observed);
  if (options.dryRun) {
    ctx.ui.result(planJson(plan), () => renderPlan(plan));
    return;
  }
  ctx.ui.info(renderPlan(plan));
  for (const warning of plan.warnings) ctx.ui.warn(warning);
  if (plan.changed) {
    if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, 'Apply these changes?'))) {
      ctx.ui.info('nothing changed.');
      return;
    }
  } else {
    ctx.ui.success('everything is as the setup says; nothing to change.');
  }
  const recorder = new Auth0StateRecorder(projectState, name, recorded ?? { domain: mgmt.target.domain });
  const state = await applyPlan(
    {
      mgmt,
      profile: name,
      secrets: ctx.secrets,
      recorder,
      report: (event) =>
        ctx.ui.success(`${event.action} ${event.kind} ${event.name}${event.id ? ` (${event.id})` : ''}`),
      warn: (message) => ctx.ui.warn(message),
    },
    spec,
    observed,
  );
  const outputs = outputsOf(state, name);
  ctx.ui.result(outputs, (o) =>
    keyValues([
      ['domain', String(o.domain)],
      ['token endpoint', String(o.tokenEndpoint)],
      ['audience', String(o.audience)],
      ['client id', String(o.clientId)],
      ['scopes', (o.scopes as string[]).join(' ')],
      ['client secret', 'in the OS keychain'],
      ['get a token', String(o.tokenCommand)],
    ]),
  );
}
