import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { confirmOrYes } from '../../ui/prompt.js';
import { examples } from '../define.js';
import { TEMPLATE_ARGUMENT, awsFor, deployTemplate, initRuleOf, oktaClient } from './shared.js';
import { renderStepTable } from '../../ui/plan.js';

export const command = () =>
  new Command('remove')
    .description(
      'undo deploy: the inline hook (detached first), function URL, function, the role okta-m2m made, the secret',
    )
    .argument('<template>', TEMPLATE_ARGUMENT)
    .option('--region <region>', 'AWS region (default: what deploy recorded)')
    .option('--function-name <name>', 'Lambda function name (default: what deploy recorded)')
    .option('--no-okta', 'token-hook: leave Okta alone')
    .addHelpText(
      'after',
      examples('okta-m2m hook remove token-hook', 'okta-m2m hook remove scim-bridge --region eu-west-1 --yes'),
    );

type RemoveOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: RemoveOptions, templateName: string): Promise<void> {
  const template = deployTemplate(templateName);
  const deployMod = await import('../../lambda/deploy.js');
  const profile = await ctx.profileName();
  const state = await ctx.state();
  const record = deployMod.readHookRecords(state, profile)[template];
  const functionName = deployMod.checkFunctionName(
    options.functionName ?? record?.functionName ?? deployMod.defaultFunctionName(template, profile),
  );
  const { aws, region } = await awsFor(ctx, options.region, record?.region);
  let okta: { client: Awaited<ReturnType<typeof oktaClient>>; hookName: string } | undefined;
  if (template === 'token-hook' && options.okta !== false && (record?.inlineHookId || !record)) {
    const hookName = record?.inlineHookName ?? functionName;
    if (record) okta = { client: await oktaClient(ctx), hookName };
    else {
      // Nothing recorded: look in Okta if the profile can, else remove what AWS has.
      const client = await oktaClient(ctx).catch((error: unknown) => {
        ctx.ui.warn(`not looking for an inline hook in Okta: ${(error as Error).message}`);
        return undefined;
      });
      if (client) okta = { client, hookName };
    }
  }
  const { readOktaState } = await import('../../okta/setup/state.js');
  const oktaState = readOktaState(state, profile);
  const rule = initRuleOf(oktaState);
  const request = {
    template,
    profile,
    region,
    functionName,
    roleName: record?.roleName ?? deployMod.defaultRoleName(functionName),
    okta,
    rule,
    oktaState,
  };
  const deps = { aws, secrets: ctx.secrets, state, progress: (m: string) => ctx.ui.progress(m) };
  const plan = await deployMod.planRemove(request, deps);
  if (!ctx.ui.json) ctx.ui.info(renderStepTable(plan.steps));
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, `Remove ${functionName} (${region}) and what is listed above?`))) {
    ctx.ui.info('nothing removed.');
    return;
  }
  await deployMod.applyRemove(plan, deps);
  ctx.ui.success(`removed ${functionName}`);
  ctx.ui.result(
    {
      template,
      functionName,
      region,
      removed: plan.steps.filter((s) => s.action === 'delete' || s.action === 'update'),
    },
    () => `removed ${functionName} (${region})`,
  );
}
