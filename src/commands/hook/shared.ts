// What the hook verbs share: the templates, building one, reading the policy file, the AWS and Okta clients.
import { isAbsolute, resolve } from 'node:path';
import type { Context } from '../../context.js';
import { CliError, UsageError } from '../../errors.js';
import { TEMPLATE_NAMES as TEMPLATES, type DeployTemplate } from '../../lambda/names.js';
// Types only: the hooks domain (esbuild, the AWS and Okta SDKs) loads inside the handlers.
import type { BuildResult } from '../../lambda/build.js';
import type { AwsClients } from '../../lambda/aws-clients.js';
import type { OktaState } from '../../okta/setup/state.js';

export const TEMPLATE_ARGUMENT = TEMPLATES.join(' or ');

/** Errors of the hooks domain (not CliErrors) as the CLI's typed errors. */
export async function hookErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { HookError, TemplateNotFoundError, HandlerLoadError } = await import('../../lambda/errors.js');
    if (error instanceof TemplateNotFoundError || error instanceof HandlerLoadError) {
      throw new UsageError(`${error.message}.`, { hint: error.hint, cause: error });
    }
    if (error instanceof HookError) throw new CliError(`${error.message}.`, { hint: error.hint, cause: error });
    throw error;
  }
}

function outDir(ctx: Context, options: { outDir: string }): string {
  const dir = options.outDir;
  return isAbsolute(dir) ? dir : resolve(ctx.io.cwd, dir);
}

export async function buildFor(
  ctx: Context,
  template: string,
  options: { outDir: string; carryClaims?: readonly string[] | undefined },
): Promise<BuildResult> {
  const { buildTemplate } = await import('../../lambda/build.js');
  ctx.ui.progress(`building ${template}`);
  const built = await hookErrors(() =>
    buildTemplate(template, { outDir: outDir(ctx, options), carryClaims: options.carryClaims }),
  );
  for (const warning of built.warnings) ctx.ui.warn(warning);
  return built;
}

/** The policy of --policy-file, checked and normalised. */
export async function policyFromFile(
  ctx: Context,
  options: { policyFile?: string | undefined },
): Promise<string | undefined> {
  if (options.policyFile === undefined) return undefined;
  const [{ readInputFile }, { normalizePolicy }] = await Promise.all([
    import('../../config/files.js'),
    import('../../lambda/deploy-env.js'),
  ]);
  const text = await readInputFile(resolve(ctx.io.cwd, options.policyFile), 'the --policy-file');
  return normalizePolicy(text, `--policy-file ${options.policyFile}`);
}

export function deployTemplate(name: string): DeployTemplate {
  const template = TEMPLATES.find((known) => known === name);
  if (!template)
    throw new UsageError(`No template named "${name}".`, { hint: `Known templates: ${TEMPLATES.join(', ')}.` });
  return template;
}

/** The AWS clients for --region, else the region deploy recorded, else the environment's, else the SDK's. */
export async function awsFor(
  ctx: Context,
  flag: string | undefined,
  recorded: string | undefined,
): Promise<{ aws: AwsClients; region: string }> {
  const { resolvedRegion } = await import('../../lambda/aws-clients.js');
  const explicit = flag || recorded || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || undefined;
  const aws = await ctx.aws(explicit);
  return { aws, region: explicit ?? (await resolvedRegion(aws)) };
}

/** The Okta SDK client of the profile; its errors say that --no-okta leaves Okta alone. */
export async function oktaClient(ctx: Context) {
  try {
    return await ctx.okta();
  } catch (error) {
    if (error instanceof CliError && !(error instanceof UsageError)) {
      throw new (error.constructor as typeof CliError)(error.message, {
        hint: `${error.hint ?? ''}${error.hint ? ' ' : ''}Or pass --no-okta to leave Okta alone.`.trim(),
        cause: error.cause ?? error,
        code: error.code,
        requestId: error.requestId,
        remoteCode: error.remoteCode,
      });
    }
    throw error;
  }
}

/** The policy rule init made, where the token hook is attached; undefined when init has not made one here. */
export function initRuleOf(
  state: OktaState | undefined,
): { authServerId: string; policyId: string; ruleId: string } | undefined {
  return state?.authServerId && state.policyId && state.ruleId
    ? { authServerId: state.authServerId, policyId: state.policyId, ruleId: state.ruleId }
    : undefined;
}
