import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { keyValues } from '../../ui/format.js';
import { ARCHITECTURES, BRIDGE_KEY_STORES, RUNTIMES } from '../../lambda/names.js';
import { choice, collect, collectList, integer } from '../options.js';
import {
  TEMPLATE_ARGUMENT,
  awsFor,
  buildFor,
  deployTemplate,
  hookErrors,
  initRuleOf,
  oktaClient,
  policyFromFile,
} from './shared.js';
import { renderStepTable } from '../../ui/plan.js';
// Types only: the hooks domain loads inside run.
import type { DeployResult, OktaTarget } from '../../lambda/deploy.js';

const HELP = `
AWS credentials come from the standard chain (AWS_PROFILE after "aws sso login", AWS_ACCESS_KEY_ID/...,
a role); the region from --region, else what the last deploy recorded, else AWS_REGION.

What it makes: an IAM role trusted by Lambda with AWSLambdaBasicExecutionRole (only when missing), the function
(${RUNTIMES.join(' | ')}, handler index.handler), a function URL with AuthType NONE and the resource policy that
lets it be called. The code is uploaded only when the zip's SHA-256 differs from the function's CodeSha256, the
configuration only when it differs: a re-deploy with nothing changed makes no write call. --dry-run shows the plan.

Environment, per variable: a flag, else what the function already has, else what "okta-m2m init" recorded;
--env NAME= (empty) removes a variable.

token-hook: ISSUER, AUDIENCE (default: init's authorization server), JWKS_URL, POLICY (--policy-file, required
the first time), CARRY_CLAIMS; the shared secret HOOK_SECRET is generated once (32 random bytes), kept in the
keychain and reused; --rotate-secret makes a new one. The Okta token inline hook is created or updated with the
function URL and the secret, and attached to init's policy rule (--no-okta skips Okta).

scim-bridge: ALLOWED_HOSTS (--allowed-host, required the first time), ALLOWED_TOKEN_HOSTS (default: the allowed
hosts and init's org). A bridge key pair is made once and kept: its private half only in the function's environment
(BRIDGE_PRIVATE_KEY) or, with --bridge-key secrets-manager, in an AWS Secrets Manager secret okta-m2m creates
(BRIDGE_PRIVATE_KEY_SECRET_ID; the role okta-m2m made may read it); its public half in the project state, for
"scim-token encode --seal". Prints the SCIM base URL for the Okta app and the scim-token command for its token.

Examples:
  $ okta-m2m hook deploy token-hook --region eu-west-1 --policy-file policy.json
  $ okta-m2m hook deploy scim-bridge --region eu-west-1 --allowed-host scim.example.com
  $ okta-m2m hook deploy token-hook --dry-run
`;

export const command = () =>
  new Command('deploy')
    .description('deploy a template to AWS Lambda behind a function URL (and, for token-hook, register it in Okta)')
    .argument('<template>', TEMPLATE_ARGUMENT)
    .option('--region <region>', 'AWS region')
    .option(
      '--function-name <name>',
      'Lambda function name (default okta-m2m-<template>, with the profile unless default)',
    )
    .option('--role-name <name>', 'execution role to create or reuse (default <function name>-role)')
    .option('--role-arn <arn>', 'an existing execution role to use as is (not created, changed or deleted)')
    .option('--runtime <runtime>', RUNTIMES.join(', '), choice(RUNTIMES, '--runtime'), 'nodejs22.x')
    .option('--arch <arch>', ARCHITECTURES.join(' or '), choice(ARCHITECTURES, '--arch'), 'arm64')
    .option('--memory <mb>', 'memory in MB (default 256)', integer(128, 10240))
    // Not --timeout: that is the global per-request timeout of okta-m2m's own remote calls.
    .option(
      '--function-timeout <seconds>',
      'the Lambda timeout (default: token-hook 5, scim-bridge 30)',
      integer(1, 900),
    )
    .option('--allowed-host <host>', 'scim-bridge: a SCIM host the bridge may call (repeatable)', collectList)
    .option(
      '--allowed-token-host <host>',
      "scim-bridge: a host the bridge token's token URL may use (repeatable)",
      collectList,
    )
    .option(
      '--bridge-key <store>',
      `scim-bridge: where the bridge key's private half goes: ${BRIDGE_KEY_STORES.join(' or ')} (default: where it is, else environment)`,
      choice(BRIDGE_KEY_STORES, '--bridge-key'),
    )
    .option('--rotate-bridge-key', 'scim-bridge: a new bridge key (sealed tokens made for the old one stop working)')
    .option('--issuer <url>', "token-hook: the assertion's issuer (default: init's authorization server)")
    .option('--audience <aud>', "token-hook: the assertion's audience (repeatable; default: init's)", collectList)
    .option('--jwks-url <url>', "token-hook: the issuer's keys (default: {issuer}/v1/keys for init's, else discovery)")
    .option('--policy-file <file>', 'token-hook: JSON {"<calling client id>": ["scope", ...]}')
    .option('--carry-claim <claim>', 'token-hook: an assertion claim to copy into the token (repeatable)', collectList)
    .option('--env <NAME=VALUE>', 'another variable for the function (repeatable; NAME= removes it)', collect)
    .option('--hook-name <name>', 'token-hook: name of the Okta inline hook (default: the function name)')
    .option('--rotate-secret', "token-hook: a new shared secret (the function's and Okta's)")
    .option('--no-okta', 'token-hook: deploy the function only; leave Okta alone')
    .option('--zip <file>', 'deploy this zip (made by "hook build") instead of building')
    .option('--out-dir <dir>', 'where the build puts the zip', 'build')
    .option('--dry-run', 'show what would be created or updated, change nothing')
    .addHelpText('after', HELP);

type DeployOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: DeployOptions, templateName: string): Promise<void> {
  const template = deployTemplate(templateName);
  const [deployMod, env, { readOktaState }, { readBuiltZip }] = await Promise.all([
    import('../../lambda/deploy.js'),
    import('../../lambda/deploy-env.js'),
    import('../../okta/setup/state.js'),
    import('../../lambda/build.js'),
  ]);
  const profile = await ctx.profileName();
  const state = await ctx.state();
  const previous = deployMod.readHookRecords(state, profile)[template];
  const oktaState = readOktaState(state, profile);

  const functionName = deployMod.checkFunctionName(
    options.functionName ?? previous?.functionName ?? deployMod.defaultFunctionName(template, profile),
  );
  const roleName = deployMod.checkRoleName(
    options.roleName ?? previous?.roleName ?? deployMod.defaultRoleName(functionName),
  );
  const roleArn = options.roleArn;
  if (roleArn && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn)) {
    throw new UsageError(`--role-arn "${roleArn}" is not an IAM role ARN.`, {
      hint: 'Like arn:aws:iam::123456789012:role/my-role.',
    });
  }
  const policy = await policyFromFile(ctx, options);
  const templateOptions = {
    issuer: options.issuer,
    audience: options.audience,
    jwksUrl: options.jwksUrl,
    policy,
    carryClaims: options.carryClaim,
    allowedHosts: options.allowedHost,
    allowedTokenHosts: options.allowedTokenHost,
    env: env.parseEnvPairs(options.env, undefined, 'deploy'),
  };
  env.checkCarryClaims(options.carryClaim ?? []);
  if (
    template === 'scim-bridge' &&
    (options.issuer || options.policyFile || options.carryClaim || options.rotateSecret)
  ) {
    throw new UsageError('--issuer, --policy-file, --carry-claim and --rotate-secret are token-hook options.');
  }
  if (
    template === 'token-hook' &&
    (options.allowedHost || options.allowedTokenHost || options.bridgeKey || options.rotateBridgeKey)
  ) {
    throw new UsageError(
      '--allowed-host, --allowed-token-host, --bridge-key and --rotate-bridge-key are scim-bridge options.',
    );
  }

  const zipFile = options.zip;
  const zip = await hookErrors(async () =>
    zipFile !== undefined
      ? readBuiltZip(resolve(ctx.io.cwd, zipFile))
      : readBuiltZip((await buildFor(ctx, template, options)).zipPath),
  ).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`No zip at ${zipFile}.`, { hint: 'Make one with "okta-m2m hook build".' });
    throw error;
  });

  const { aws, region } = await awsFor(ctx, options.region, previous?.region);
  let okta: OktaTarget | undefined;
  if (template === 'token-hook' && options.okta !== false) {
    const rule = initRuleOf(oktaState);
    okta = {
      client: await oktaClient(ctx),
      hookName: options.hookName ?? previous?.inlineHookName ?? functionName,
      rule,
    };
  }

  const defaults = deployMod.DEFAULTS[template];
  const request = {
    template,
    profile,
    region,
    functionName,
    roleName,
    externalRoleArn: roleArn,
    runtime: options.runtime,
    architecture: options.arch,
    memorySize: options.memory ?? defaults.memorySize,
    timeout: options.functionTimeout ?? defaults.timeout,
    zip,
    options: templateOptions,
    rotateSecret: Boolean(options.rotateSecret),
    oktaState,
    oktaOrgUrl: (await ctx.profiles()).profiles[profile]?.orgUrl,
    okta,
    bridgeKeyStore: options.bridgeKey,
    rotateBridgeKey: Boolean(options.rotateBridgeKey),
  };
  const deps = { aws, secrets: ctx.secrets, state, progress: (m: string) => ctx.ui.progress(m) };
  ctx.ui.progress(`planning ${functionName} in ${region}`);
  const plan = await deployMod.planDeploy(request, deps);
  if (!ctx.ui.json) ctx.ui.info(renderStepTable(plan.steps));
  let result: DeployResult;
  if (options.dryRun) {
    result = deployMod.result(plan, {
      functionArn: plan.fn?.arn,
      functionUrl: plan.url?.url,
      inlineHookId: plan.hook?.id,
      dryRun: true,
    });
  } else {
    // With nothing to change, apply makes no write call (it only records the state when that was missing).
    result = await deployMod.applyDeploy(plan, deps);
    ctx.ui.success(result.changed ? `deployed ${functionName}` : 'nothing to change');
  }
  ctx.ui.result(result, renderDeploy);
}

function renderDeploy(result: DeployResult): string {
  const lines = [
    keyValues([
      ['function', result.functionName],
      ['region', result.region],
      ['function URL', result.functionUrl ?? (result.dryRun ? '(made on deploy)' : undefined)],
      ['CodeSha256', result.codeSha256],
      ['inline hook', result.inlineHookId],
      [
        'bridge key',
        result.bridgeKey
          ? `${result.bridgeKey.kid} (private half: ${result.bridgeKey.secretArn ?? "the function's environment"})`
          : undefined,
      ],
      ['dry run', result.dryRun ? 'yes: nothing changed' : undefined],
    ]),
  ];
  if (result.scim) {
    lines.push('', 'SCIM base URL for the Okta app:');
    for (const { url } of result.scim.baseUrls) lines.push(`  ${url}`);
    lines.push(
      '',
      'Its API token (the bridge token, sealed to the bridge key), made with:',
      `  ${result.scim.encodeCommand} < secret.txt`,
    );
  }
  return lines.join('\n');
}
