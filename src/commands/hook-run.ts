// The hook commands' handlers, loaded when one of them runs (registration and help text are in hook.ts).
import { isAbsolute, resolve } from 'node:path';
import type { Options } from './action.js';
import { TEMPLATES } from './hook.js';
import type { Context } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { confirmOrYes, keyValues, table } from './handler-kit.js';
// Types only: the hooks domain (esbuild, the AWS and Okta SDKs) loads inside the handlers.
import type { BuildResult } from '../hooks/build.js';
import type { AwsClients } from '../hooks/aws-clients.js';
import type { DeployResult, PlanStep } from '../hooks/deploy.js';
import type { DeployTemplate } from '../hooks/deploy-env.js';

// ---------------------------------------------------------------------------------------------------------------
// Errors of the hooks domain (not CliErrors) as the CLI's typed errors.

async function hookErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { HookError, TemplateNotFoundError, HandlerLoadError } = await import('../hooks/errors.js');
    if (error instanceof TemplateNotFoundError || error instanceof HandlerLoadError) {
      throw new UsageError(`${error.message}.`, { hint: error.hint, cause: error });
    }
    if (error instanceof HookError) throw new CliError(`${error.message}.`, { hint: error.hint, cause: error });
    throw error;
  }
}

function outDir(ctx: Context, options: Options): string {
  const dir = String(options.outDir ?? 'build');
  return isAbsolute(dir) ? dir : resolve(ctx.io.cwd, dir);
}

async function buildFor(ctx: Context, template: string, options: Options): Promise<BuildResult> {
  const { buildTemplate } = await import('../hooks/build.js');
  ctx.ui.progress(`building ${template}`);
  const built = await hookErrors(() => buildTemplate(template, { outDir: outDir(ctx, options) }));
  for (const warning of built.warnings) ctx.ui.warn(warning);
  return built;
}

// ---------------------------------------------------------------------------------------------------------------
// hook build

export async function build(ctx: Context, options: Options, args: string[]): Promise<void> {
  const built = await buildFor(ctx, String(args[0]), options);
  const shown = {
    template: built.name,
    zipPath: built.zipPath,
    size: built.size,
    bundleSize: built.bundleSize,
    sha256: built.sha256,
    codeSha256: built.sha256Base64,
  };
  ctx.ui.result(shown, (v) =>
    keyValues([
      ['zip', v.zipPath],
      ['size', `${v.size} bytes (index.mjs ${v.bundleSize} bytes)`],
      ['sha256', v.sha256],
      ['CodeSha256', v.codeSha256],
    ]),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// hook serve

export async function serve(ctx: Context, options: Options, args: string[]): Promise<void> {
  const template = String(args[0]);
  const envModule = await import('../hooks/deploy-env.js');
  const register = Boolean(options.register);
  if (register && template !== 'token-hook') {
    throw new UsageError('--register is for token-hook.', { hint: 'The scim-bridge has no Okta side to register.' });
  }
  // Without --register, HOOK_SECRET is the user's own value for the served handler; with it, okta-m2m makes one.
  let env = envModule.parseEnvPairs(
    options.env as string[] | undefined,
    register ? { hint: '--register makes a fresh shared secret for both the served hook and Okta.' } : 'allow',
  );
  if (env[envModule.SECRET_VARIABLE]) (await import('../secrets/redact.js')).registerSecret(env[envModule.SECRET_VARIABLE]);
  let secret: string | undefined;
  let okta: Awaited<ReturnType<typeof servedHookTarget>> | undefined;
  if (register) {
    okta = await servedHookTarget(ctx);
    secret = (await import('../hooks/shared-secret.js')).newSharedSecret();
    const resolved = envModule.resolveEnvironment(
      'token-hook',
      undefined,
      { policy: await policyFromFile(ctx, options), carryClaims: options.carryClaim as string[] | undefined, env },
      okta.state,
    ).env;
    // The emulator's issuer is plain http on loopback; the template allows that only when told to.
    const loopbackHttp = /^http:\/\/(127\.|localhost|\[::1\])/.test(resolved.ISSUER ?? '');
    env = { ...resolved, ...(loopbackHttp ? { ALLOW_INSECURE_LOOPBACK: '1' } : {}), HOOK_SECRET: secret };
  }
  const { serveHandler } = await import('../hooks/serve.js');
  let zipPath: string;
  if (typeof options.zip === 'string') zipPath = resolve(ctx.io.cwd, options.zip);
  else zipPath = (await buildFor(ctx, template, options)).zipPath;
  const handle = await hookErrors(() =>
    serveHandler(zipPath, { port: options.port as number, host: String(options.host), env, functionName: template }),
  );
  let registration: import('../hooks/local-registration.js').ServedHookRegistration | undefined;
  try {
    if (okta && secret) {
      const uri = typeof options.publicUrl === 'string' ? options.publicUrl : handle.url;
      ctx.ui.progress(`registering ${uri} as the inline hook "${String(options.hookName)}" on init's rule ...`);
      registration = await okta.registration.registerServedHook(okta.client, {
        rule: okta.rule,
        name: String(options.hookName),
        uri,
        secret,
      });
    }
  } catch (error) {
    await handle.stop();
    throw error;
  }
  ctx.ui.result({ template, url: handle.url, zipPath, ...(registration ? { inlineHookId: registration.hookId } : {}) }, (v) => v.url);
  ctx.ui.progress(`serving ${template} (the built bundle ${zipPath})${registration ? ' as the Okta inline hook' : ''}; Ctrl-C to stop`);
  await new Promise<void>((done) => {
    // A server stops gracefully, unlike the launcher's immediate exit on Ctrl-C.
    process.removeAllListeners('SIGINT');
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  if (registration) {
    ctx.ui.progress('removing the inline hook from Okta ...');
    // Shutting down must not fail on an org that went away first: say what is left behind instead.
    await registration.unregister().catch((error: unknown) => {
      ctx.ui.warn(
        `could not remove the inline hook ${registration.hookId} from Okta (${error instanceof Error ? error.message : String(error)}); ` +
          "remove it from the rule and delete it in the Okta admin console.",
      );
    });
  }
  await handle.stop();
  ctx.ui.progress('stopped');
}

/** What --register needs: init's rule, the Okta client of the profile, and the registration module. */
async function servedHookTarget(ctx: Context) {
  const [{ readOktaState }, registration] = await Promise.all([import('../okta/state.js'), import('../hooks/local-registration.js')]);
  const profile = await ctx.profileName();
  const state = readOktaState(await ctx.state(), profile);
  const rule = registration.initRule(state);
  const { connect } = await import('../okta/connect.js');
  const client = await connect(await ctx.profiles(), profile, ctx.secrets, ctx.httpOptions());
  return { state, rule, client, registration };
}

async function policyFromFile(ctx: Context, options: Options): Promise<string | undefined> {
  if (typeof options.policyFile !== 'string') return undefined;
  const [{ readFile }, { normalizePolicy }] = await Promise.all([import('node:fs/promises'), import('../hooks/deploy-env.js')]);
  const text = await readFile(resolve(ctx.io.cwd, options.policyFile), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read --policy-file ${options.policyFile}: ${error.code ?? error.message}.`);
  });
  return normalizePolicy(text, `--policy-file ${options.policyFile}`);
}

// ---------------------------------------------------------------------------------------------------------------
// hook deploy

function deployTemplate(name: string): DeployTemplate {
  if (!TEMPLATES.includes(name)) {
    throw new UsageError(`No template named "${name}".`, { hint: `Known templates: ${TEMPLATES.join(', ')}.` });
  }
  return name as DeployTemplate;
}

/** Overridable for tests: how the AWS clients are made for a region. */
export const awsClientFactory: { create: (region: string | undefined) => Promise<AwsClients> } = {
  create: async (region) => (await import('../hooks/aws-clients.js')).createAwsClients(region),
};

async function awsFor(ctx: Context, flag: unknown, recorded: string | undefined): Promise<{ aws: AwsClients; region: string }> {
  const { resolvedRegion } = await import('../hooks/aws-clients.js');
  const explicit = (typeof flag === 'string' && flag) || recorded || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || undefined;
  const aws = await awsClientFactory.create(explicit);
  return { aws, region: explicit ?? (await resolvedRegion(aws)) };
}

async function oktaClient(ctx: Context, profile: string) {
  const { connect } = await import('../okta/connect.js');
  try {
    return await connect(await ctx.profiles(), profile, ctx.secrets, ctx.httpOptions());
  } catch (error) {
    if (error instanceof CliError && !(error instanceof UsageError)) {
      throw new (error.constructor as typeof CliError)(error.message, {
        hint: `${error.hint ?? ''}${error.hint ? ' ' : ''}Or pass --no-okta to leave Okta alone.`.trim(),
        cause: error.cause ?? error,
      });
    }
    throw error;
  }
}

export async function deploy(ctx: Context, options: Options, args: string[]): Promise<void> {
  const template = deployTemplate(String(args[0]));
  const [deployMod, env, { readOktaState }, { readBuiltZip }] = await Promise.all([
    import('../hooks/deploy.js'),
    import('../hooks/deploy-env.js'),
    import('../okta/state.js'),
    import('../hooks/build.js'),
  ]);
  const profile = await ctx.profileName();
  const state = await ctx.state();
  const previous = deployMod.readHookRecords(state, profile)[template];
  const oktaState = readOktaState(state, profile);

  const functionName = deployMod.checkFunctionName(
    typeof options.functionName === 'string' ? options.functionName : (previous?.functionName ?? deployMod.defaultFunctionName(template, profile)),
  );
  const roleName = deployMod.checkRoleName(
    typeof options.roleName === 'string' ? options.roleName : (previous?.roleName ?? deployMod.defaultRoleName(functionName)),
  );
  const roleArn = typeof options.roleArn === 'string' ? options.roleArn : undefined;
  if (roleArn && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn)) {
    throw new UsageError(`--role-arn "${roleArn}" is not an IAM role ARN.`, { hint: 'Like arn:aws:iam::123456789012:role/my-role.' });
  }
  const policy = await policyFromFile(ctx, options);
  const templateOptions = {
    issuer: options.issuer as string | undefined,
    audience: options.audience as string[] | undefined,
    jwksUrl: options.jwksUrl as string | undefined,
    policy,
    carryClaims: options.carryClaim as string[] | undefined,
    allowedHosts: options.allowedHost as string[] | undefined,
    allowedTokenHosts: options.allowedTokenHost as string[] | undefined,
    env: env.parseEnvPairs(options.env as string[] | undefined),
  };
  if (template === 'scim-bridge' && (options.issuer || options.policyFile || options.carryClaim || options.rotateSecret)) {
    throw new UsageError('--issuer, --policy-file, --carry-claim and --rotate-secret are token-hook options.');
  }
  if (template === 'token-hook' && (options.allowedHost || options.allowedTokenHost)) {
    throw new UsageError('--allowed-host and --allowed-token-host are scim-bridge options.');
  }

  const zip = await hookErrors(async () =>
    typeof options.zip === 'string'
      ? readBuiltZip(resolve(ctx.io.cwd, options.zip))
      : readBuiltZip((await buildFor(ctx, template, options)).zipPath),
  ).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`No zip at ${String(options.zip)}.`, { hint: 'Make one with "okta-m2m hook build".' });
    throw error;
  });

  const { aws, region } = await awsFor(ctx, options.region, previous?.region);
  let okta: import('../hooks/deploy.js').OktaTarget | undefined;
  if (template === 'token-hook' && options.okta !== false) {
    const rule =
      oktaState?.authServerId && oktaState.policyId && oktaState.ruleId
        ? { authServerId: oktaState.authServerId, policyId: oktaState.policyId, ruleId: oktaState.ruleId }
        : undefined;
    okta = {
      client: await oktaClient(ctx, profile),
      hookName: typeof options.hookName === 'string' ? options.hookName : (previous?.inlineHookName ?? functionName),
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
    runtime: options.runtime as 'nodejs22.x',
    architecture: options.arch as 'arm64',
    memorySize: (options.memory as number | undefined) ?? defaults.memorySize,
    timeout: (options.timeout as number | undefined) ?? defaults.timeout,
    zip,
    options: templateOptions,
    rotateSecret: Boolean(options.rotateSecret),
    oktaState,
    okta,
  };
  const deps = { aws, secrets: ctx.secrets, state, progress: (m: string) => ctx.ui.progress(m) };
  ctx.ui.progress(`planning ${functionName} in ${region}`);
  const plan = await deployMod.planDeploy(request, deps);
  if (!ctx.ui.json) ctx.ui.info(renderPlan(plan.steps));
  let result: DeployResult;
  if (options.dryRun) {
    result = deployMod.result(plan, { functionArn: plan.fn?.arn, functionUrl: plan.url?.url, inlineHookId: plan.hook?.id, dryRun: true });
  } else {
    // With nothing to change, apply makes no write call (it only records the state when that was missing).
    result = await deployMod.applyDeploy(plan, deps);
    ctx.ui.success(result.changed ? `deployed ${functionName}` : 'nothing to change');
  }
  ctx.ui.result(result, renderDeploy);
}

function renderPlan(steps: PlanStep[]): string {
  return table(
    ['ACTION', 'RESOURCE', 'NAME', 'CHANGES'],
    steps.map((s) => [s.action, s.resource, s.name, s.changes.join('; ')]),
  );
}

function renderDeploy(result: DeployResult): string {
  const lines = [
    keyValues([
      ['function', result.functionName],
      ['region', result.region],
      ['function URL', result.functionUrl ?? (result.dryRun ? '(made on deploy)' : undefined)],
      ['CodeSha256', result.codeSha256],
      ['inline hook', result.inlineHookId],
      ['dry run', result.dryRun ? 'yes: nothing changed' : undefined],
    ]),
  ];
  if (result.scim) {
    lines.push('', 'SCIM base URL for the Okta app:');
    for (const { url } of result.scim.baseUrls) lines.push(`  ${url}`);
    lines.push('', 'Its API token (the bridge token), made with:', `  ${result.scim.encodeCommand} < secret.txt`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// hook remove

export async function remove(ctx: Context, options: Options, args: string[]): Promise<void> {
  const template = deployTemplate(String(args[0]));
  const deployMod = await import('../hooks/deploy.js');
  const profile = await ctx.profileName();
  const state = await ctx.state();
  const record = deployMod.readHookRecords(state, profile)[template];
  const functionName = deployMod.checkFunctionName(
    typeof options.functionName === 'string' ? options.functionName : (record?.functionName ?? deployMod.defaultFunctionName(template, profile)),
  );
  const { aws, region } = await awsFor(ctx, options.region, record?.region);
  let okta: { client: Awaited<ReturnType<typeof oktaClient>>; hookName: string } | undefined;
  if (template === 'token-hook' && options.okta !== false && (record?.inlineHookId || !record)) {
    const hookName = record?.inlineHookName ?? functionName;
    if (record) okta = { client: await oktaClient(ctx, profile), hookName };
    else {
      // Nothing recorded: look in Okta if the profile can, else remove what AWS has.
      const client = await oktaClient(ctx, profile).catch((error: unknown) => {
        ctx.ui.warn(`not looking for an inline hook in Okta: ${(error as Error).message}`);
        return undefined;
      });
      if (client) okta = { client, hookName };
    }
  }
  const { readOktaState } = await import('../okta/state.js');
  const oktaState = readOktaState(state, profile);
  const rule =
    oktaState?.authServerId && oktaState.policyId && oktaState.ruleId
      ? { authServerId: oktaState.authServerId, policyId: oktaState.policyId, ruleId: oktaState.ruleId }
      : undefined;
  const request = { template, profile, region, functionName, roleName: record?.roleName ?? deployMod.defaultRoleName(functionName), okta, rule };
  const deps = { aws, secrets: ctx.secrets, state, progress: (m: string) => ctx.ui.progress(m) };
  const plan = await deployMod.planRemove(request, deps);
  if (!ctx.ui.json) ctx.ui.info(renderPlan(plan.steps));
  if (!(await confirmOrYes(ctx.ui, ctx.globals.yes, `Remove ${functionName} (${region}) and what is listed above?`))) {
    ctx.ui.info('nothing removed.');
    return;
  }
  await deployMod.applyRemove(plan, deps);
  ctx.ui.success(`removed ${functionName}`);
  ctx.ui.result({ template, functionName, region, removed: plan.steps.filter((s) => s.action === 'delete' || s.action === 'update') }, () => `removed ${functionName} (${region})`);
}
