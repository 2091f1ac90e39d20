import type { OktaClient } from '../okta/client.js';
import type { ProjectState } from '../config/state.js';
import { isRecord } from '../config/validate.js';
import { ConflictError, UsageError } from '../errors.js';
import { issuerFor, type OktaState } from '../okta/setup/state.js';
import type { InlineHookInfo, RuleRef } from '../okta/resources/inline-hooks.js';
import type { OktaRule } from '../okta/types.js';
import { registerSecret } from '../secrets/redact.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import { bridgeBaseUrl } from '../scim/bridge-url.js';
import { DEFAULT_TIMING, type AwsClients, type AwsTiming } from './aws-clients.js';
import * as iam from './aws-iam.js';
import * as lambda from './aws-lambda.js';
import type { ArchitectureName, FunctionSettings, ObservedFunction, ObservedUrl, RuntimeName } from './aws-lambda.js';
import type { BuiltZip } from './build.js';
import { resolveEnvironment, SECRET_VARIABLE, type DeployTemplate, type TemplateOptions } from './deploy-env.js';
import { newSharedSecret } from './shared-secret.js';
import { checkSetupRule } from './rule-ownership.js';
import {
  applyBridgeKey,
  createSecretsManager,
  deleteKeySecret,
  keySecretToRemove,
  keyEnvironment,
  planBridgeKey,
  PRIVATE_KEY_SECRET_VARIABLE,
  refuseManagedKeyVariables,
  type BridgeKeyPlan,
  type BridgeKeyStore,
} from './bridge-key.js';
import { readBridgeKeyRecord, writeBridgeKeyRecord } from '../scim/bridge-key-record.js';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { JWK } from 'jose';

/**
 * `hook deploy` and `hook remove`: plan (reads only), then apply (only the writes the plan needs), recording what
 * was made in the project state, section `hooks`: `{[template]: HookRecord}`. Never a secret there: the token
 * hook's shared secret lives in the keychain (`<profile>/hook-secret:token-hook`), the function's environment and
 * Okta's hook config, and is printed nowhere.
 */

interface HookRecord {
  functionName: string;
  functionArn: string;
  region: string;
  roleName?: string;
  roleArn: string;
  /** okta-m2m created the role: `hook remove` deletes it. */
  roleCreated: boolean;
  functionUrl?: string;
  codeSha256: string;
  runtime: string;
  architecture: string;
  inlineHookId?: string;
  inlineHookName?: string;
  rule?: RuleRef;
}

type StepAction = 'create' | 'update' | 'unchanged' | 'delete' | 'skip';

/** What a step acts on: apply finds its steps by these ids, never by their display text. */
type DeployStepId =
  | 'role'
  | 'function'
  | 'code'
  | 'configuration'
  | 'url'
  | 'url-permission'
  | 'shared-secret'
  | 'bridge-key'
  | 'bridge-key-secret'
  | 'inline-hook'
  | 'rule'
  | 'state'
  | 'bridge-key-state';

export interface PlanStep {
  step: DeployStepId;
  /** What the plan shows. */
  resource: string;
  name: string;
  action: StepAction;
  changes: string[];
}

export interface OktaTarget {
  /** The Okta SDK client (loaded lazily by the command). */
  client: OktaClient;
  hookName: string;
  /** The rule `init` made; without one the hook is registered but attached nowhere. */
  rule?: RuleRef | undefined;
}

export interface DeployRequest {
  template: DeployTemplate;
  profile: string;
  region: string;
  functionName: string;
  roleName: string;
  /** --role-arn: a role okta-m2m neither creates nor changes. */
  externalRoleArn?: string | undefined;
  runtime: RuntimeName;
  architecture: ArchitectureName;
  memorySize: number;
  timeout: number;
  zip: BuiltZip;
  options: TemplateOptions;
  rotateSecret?: boolean | undefined;
  oktaState?: OktaState | undefined;
  /** The profile's org URL: where the scim-token command's token URL comes from (the state's is data, not a direction). */
  oktaOrgUrl?: string | undefined;
  /** token-hook: register the inline hook in Okta and attach it (undefined: skip, --no-okta). */
  okta?: OktaTarget | undefined;
  /** scim-bridge: where the bridge key's private half goes (default: where it is, else the environment). */
  bridgeKeyStore?: BridgeKeyStore | undefined;
  rotateBridgeKey?: boolean | undefined;
}

interface DeployDeps {
  aws: AwsClients;
  secrets: SecretStore;
  state: ProjectState;
  timing?: Partial<AwsTiming>;
  progress?: (message: string) => void;
  /** scim-bridge with the secrets-manager key store (default: a client for the request's region). */
  secretsManager?: () => Promise<SecretsManagerClient>;
}

interface SecretChoice {
  value: string;
  source: 'keychain' | 'function' | 'new';
  /** Okta must get it (new, rotated, or not what the function had). */
  pushToOkta: boolean;
  storeInKeychain: boolean;
}

interface DeployPlan {
  request: DeployRequest;
  steps: PlanStep[];
  role: iam.ObservedRole | undefined;
  fn: ObservedFunction | undefined;
  url: ObservedUrl | undefined;
  missingPermissions: string[];
  environment: Record<string, string>;
  secret: SecretChoice | undefined;
  hook: InlineHookInfo | undefined;
  rule: OktaRule | undefined;
  previous: HookRecord | undefined;
  bridgeKey?: BridgeKeyPlan | undefined;
}

export interface ScimInstructions {
  baseUrls: Array<{ host: string; url: string }>;
  encodeCommand: string;
}

export interface DeployResult {
  template: DeployTemplate;
  functionName: string;
  region: string;
  functionArn?: string;
  functionUrl?: string;
  codeSha256: string;
  dryRun: boolean;
  /** Something was (or, with --dry-run, would be) written. */
  changed: boolean;
  plan: PlanStep[];
  inlineHookId?: string;
  scim?: ScimInstructions;
  /** scim-bridge: the public half of the bridge key (what `scim-token encode --seal` seals to) and where the private is. */
  bridgeKey?: { kid: string; publicJwk: JWK; privateKeyIn: BridgeKeyStore; secretArn?: string };
}

export const DEFAULTS: Record<DeployTemplate, { memorySize: number; timeout: number; description: string }> = {
  // Okta waits 3 s for a token hook; the function's own timeouts stay under that.
  'token-hook': { memorySize: 256, timeout: 5, description: 'okta-m2m token inline hook (on-behalf-of)' },
  'scim-bridge': {
    memorySize: 256,
    timeout: 30,
    description: 'okta-m2m SCIM bridge (static token -> client credentials)',
  },
};

export function defaultFunctionName(template: DeployTemplate, profile: string): string {
  return profile === 'default' ? `okta-m2m-${template}` : `okta-m2m-${profile}-${template}`.slice(0, 64);
}

export function defaultRoleName(functionName: string): string {
  return `${functionName.slice(0, 59)}-role`;
}

export function checkFunctionName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new UsageError(`"${name}" is not a Lambda function name.`, {
      hint: 'Use 1 to 64 letters, digits, "-" or "_".',
    });
  }
  return name;
}

export function checkRoleName(name: string): string {
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
    throw new UsageError(`"${name}" is not an IAM role name.`, { hint: 'Use 1 to 64 letters, digits and +=,.@_-.' });
  }
  return name;
}

// -------------------------------------------------------------------------------------------------------------
// State

export function readHookRecords(state: ProjectState, profile: string): Record<string, HookRecord> {
  const raw = state.get(profile, 'hooks');
  if (!isRecord(raw)) return {};
  const out: Record<string, HookRecord> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (isRecord(value) && typeof value.functionName === 'string') out[name] = value as unknown as HookRecord;
  }
  return out;
}

async function writeHookRecord(
  state: ProjectState,
  profile: string,
  template: string,
  record: HookRecord | undefined,
): Promise<void> {
  const records = readHookRecords(state, profile);
  const before = JSON.stringify(records[template] ?? null);
  if (record) records[template] = tidy(record);
  else delete records[template];
  if (JSON.stringify(records[template] ?? null) === before) return;
  await state.set(profile, 'hooks', Object.keys(records).length ? records : undefined);
}

function tidy<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// -------------------------------------------------------------------------------------------------------------
// Deploy: plan

export async function planDeploy(request: DeployRequest, deps: DeployDeps): Promise<DeployPlan> {
  const { aws } = deps;
  const steps: PlanStep[] = [];
  const previous = readHookRecords(deps.state, request.profile)[request.template];

  // The role.
  let role: iam.ObservedRole | undefined;
  if (request.externalRoleArn) {
    steps.push({
      step: 'role',
      resource: 'IAM role',
      name: request.externalRoleArn,
      action: 'unchanged',
      changes: ['given by --role-arn (not managed)'],
    });
  } else {
    role = await iam.observeRole(aws, request.roleName);
    const ours = role.managedByUs || (previous?.roleCreated === true && previous.roleName === request.roleName);
    if (!role.exists) {
      steps.push({
        step: 'role',
        resource: 'IAM role',
        name: request.roleName,
        action: 'create',
        changes: ['trust lambda.amazonaws.com', `attach ${iam.BASIC_EXECUTION_POLICY}`],
      });
    } else {
      if (!role.trustsLambda && !ours) {
        throw new ConflictError(`The IAM role ${request.roleName} exists and does not trust lambda.amazonaws.com.`, {
          hint: 'It was not made by okta-m2m: pass --role-name for another name, or --role-arn for a role Lambda may assume.',
        });
      }
      const changes: string[] = [];
      if (!role.trustsLambda) changes.push('trust lambda.amazonaws.com');
      if (!role.basicExecutionAttached) changes.push(`attach ${iam.BASIC_EXECUTION_POLICY}`);
      steps.push({
        step: 'role',
        resource: 'IAM role',
        name: request.roleName,
        action: changes.length ? 'update' : 'unchanged',
        changes,
      });
    }
  }

  // The function.
  const fn = await lambda.observeFunction(aws, request.functionName);
  if (fn && !fn.managedByUs && previous?.functionName !== request.functionName) {
    throw new ConflictError(`A Lambda function named ${request.functionName} exists and was not made by okta-m2m.`, {
      hint: 'Pass --function-name for another name (okta-m2m does not change functions it did not make).',
    });
  }
  const resolved = resolveEnvironment(request.template, fn?.environment, request.options, request.oktaState);
  const secret = request.template === 'token-hook' ? await chooseSecret(request, deps, fn) : undefined;
  let environment = { ...resolved.env };
  if (secret) environment[SECRET_VARIABLE] = secret.value;
  let bridgeKey: BridgeKeyPlan | undefined;
  if (request.template === 'scim-bridge') {
    refuseManagedKeyVariables(request.options.env);
    bridgeKey = await planBridgeKey({
      store:
        request.bridgeKeyStore ?? (fn?.environment?.[PRIVATE_KEY_SECRET_VARIABLE] ? 'secrets-manager' : 'environment'),
      rotate: Boolean(request.rotateBridgeKey),
      functionName: request.functionName,
      region: request.region,
      current: fn?.environment,
      secretsManager: secretsManagerOf(request, deps),
    });
    environment = keyEnvironment(environment, bridgeKey);
  }
  const roleArn = request.externalRoleArn ?? role?.arn ?? `(the new role ${request.roleName})`;
  const settings = functionSettings(request, roleArn, environment);
  if (!fn) {
    steps.push({
      step: 'function',
      resource: 'Lambda function',
      name: request.functionName,
      action: 'create',
      changes: [
        `${request.runtime} ${request.architecture}, ${request.memorySize} MB, ${request.timeout} s`,
        `code ${request.zip.sha256Base64}`,
        `environment: ${Object.keys(environment).sort().join(', ')}`,
      ],
    });
  } else {
    const code = lambda.codeChanges(fn, request.zip.sha256Base64, request.architecture);
    const config = lambda.configurationChanges(fn, settings);
    steps.push({
      step: 'code',
      resource: 'function code',
      name: request.functionName,
      action: code.length ? 'update' : 'unchanged',
      changes: code,
    });
    steps.push({
      step: 'configuration',
      resource: 'function configuration',
      name: request.functionName,
      action: config.length ? 'update' : 'unchanged',
      changes: config,
    });
  }

  if (bridgeKey) {
    steps.push({
      step: 'bridge-key',
      resource: 'bridge key',
      name: bridgeKey.kid,
      action: bridgeKey.source === 'new' ? (request.rotateBridgeKey ? 'update' : 'create') : 'unchanged',
      changes: bridgeKey.changes,
    });
  }

  // The URL and who may call it.
  const url = fn ? await lambda.observeUrl(aws, request.functionName) : undefined;
  if (!url)
    steps.push({
      step: 'url',
      resource: 'function URL',
      name: request.functionName,
      action: 'create',
      changes: ['AuthType NONE'],
    });
  else if (url.authType !== 'NONE')
    steps.push({
      step: 'url',
      resource: 'function URL',
      name: url.url,
      action: 'update',
      changes: [`AuthType ${url.authType} -> NONE`],
    });
  else steps.push({ step: 'url', resource: 'function URL', name: url.url, action: 'unchanged', changes: [] });
  const granted = fn ? await lambda.observePermissions(aws, request.functionName) : new Set<string>();
  const missingPermissions = lambda.URL_PERMISSIONS.map((p) => p.StatementId).filter((sid) => !granted.has(sid));
  steps.push({
    step: 'url-permission',
    resource: 'function URL permission',
    name: request.functionName,
    action: missingPermissions.length ? 'create' : 'unchanged',
    changes: lambda.URL_PERMISSIONS.filter((p) => missingPermissions.includes(p.StatementId)).map(
      (p) => `${p.Action} for everyone (the function checks the caller)`,
    ),
  });

  // The shared secret and Okta.
  let hook: InlineHookInfo | undefined;
  let rule: OktaRule | undefined;
  if (secret) {
    const note = {
      keychain: 'from the keychain (or $OKTA_M2M_HOOK_SECRET)',
      function: 'copied from the function into the keychain',
      new: request.rotateSecret ? 'rotated: a new one' : 'a new one',
    }[secret.source];
    steps.push({
      step: 'shared-secret',
      resource: 'shared secret',
      name: secretRefs.hookSecret(request.profile, request.template).account,
      action:
        secret.source === 'new'
          ? request.rotateSecret
            ? 'update'
            : 'create'
          : secret.storeInKeychain
            ? 'update'
            : 'unchanged',
      changes: [note],
    });
  }
  if (request.template === 'token-hook' && request.okta) {
    const okta = await import('../okta/resources/inline-hooks.js');
    const target = request.okta;
    hook = await okta.findTokenHook(target.client, target.hookName, previous?.inlineHookId);
    const uri = url?.url;
    if (!hook)
      steps.push({
        step: 'inline-hook',
        resource: 'Okta inline hook',
        name: target.hookName,
        action: 'create',
        changes: [okta.TOKEN_HOOK_TYPE],
      });
    else {
      const changes = uri
        ? okta.inlineHookChanges(hook, { name: target.hookName, uri, secret: secret?.value ?? '' })
        : ['uri'];
      if (secret?.pushToOkta || !fn) changes.push('shared secret');
      if (hook.status !== 'ACTIVE') changes.push('activate');
      steps.push({
        step: 'inline-hook',
        resource: 'Okta inline hook',
        name: `${target.hookName} (${hook.id})`,
        action: changes.length ? 'update' : 'unchanged',
        changes,
      });
    }
    if (target.rule) {
      await checkSetupRule(target.client, request.oktaState, target.rule);
      rule = await okta.readRule(target.client, target.rule);
      if (!rule) {
        throw new UsageError(`The policy rule ${target.rule.ruleId} recorded by init no longer exists.`, {
          hint: 'Run "okta-m2m init" again, or deploy with --no-okta.',
        });
      }
      const attached = okta.ruleHookId(rule);
      const same = hook !== undefined && attached === hook.id;
      steps.push({
        step: 'rule',
        resource: 'Okta policy rule',
        name: `${rule.name ?? target.rule.ruleId} (${target.rule.ruleId})`,
        action: same ? 'unchanged' : 'update',
        changes: same ? [] : [`actions.token.inlineHook: ${attached ?? '(none)'} -> ${hook?.id ?? '(the new hook)'}`],
      });
    } else {
      steps.push({
        step: 'rule',
        resource: 'Okta policy rule',
        name: '-',
        action: 'skip',
        changes: ['no rule in the project state: run "okta-m2m init" to have one the hook is attached to'],
      });
    }
  } else if (request.template === 'token-hook') {
    steps.push({
      step: 'inline-hook',
      resource: 'Okta inline hook',
      name: '-',
      action: 'skip',
      changes: ['--no-okta'],
    });
  }

  return { request, steps, role, fn, url, missingPermissions, environment, secret, hook, rule, previous, bridgeKey };
}

function secretsManagerOf(request: DeployRequest, deps: DeployDeps) {
  return deps.secretsManager ?? (() => createSecretsManager(request.region));
}

async function chooseSecret(
  request: DeployRequest,
  deps: DeployDeps,
  fn: ObservedFunction | undefined,
): Promise<SecretChoice> {
  const ref = secretRefs.hookSecret(request.profile, request.template);
  const deployed = fn?.environment?.[SECRET_VARIABLE];
  if (deployed) registerSecret(deployed);
  if (request.rotateSecret) return { value: newSharedSecret(), source: 'new', pushToOkta: true, storeInKeychain: true };
  const stored = await deps.secrets.get(ref);
  if (stored)
    return {
      value: stored,
      source: 'keychain',
      pushToOkta: deployed !== undefined && deployed !== stored,
      storeInKeychain: false,
    };
  if (deployed) return { value: deployed, source: 'function', pushToOkta: false, storeInKeychain: true };
  return { value: newSharedSecret(), source: 'new', pushToOkta: true, storeInKeychain: true };
}

function functionSettings(
  request: DeployRequest,
  roleArn: string,
  environment: Record<string, string>,
): FunctionSettings {
  return {
    functionName: request.functionName,
    roleArn,
    runtime: request.runtime,
    architecture: request.architecture,
    memorySize: request.memorySize,
    timeout: request.timeout,
    description: DEFAULTS[request.template].description,
    environment,
    tags: { 'managed-by': 'okta-m2m', 'okta-m2m:template': request.template },
  };
}

function planChanges(steps: PlanStep[]): boolean {
  return steps.some((s) => s.action !== 'unchanged' && s.action !== 'skip');
}

// -------------------------------------------------------------------------------------------------------------
// Deploy: apply

export async function applyDeploy(plan: DeployPlan, deps: DeployDeps): Promise<DeployResult> {
  const { request } = plan;
  const { aws } = deps;
  const timing: AwsTiming = { ...DEFAULT_TIMING, ...deps.timing };
  const progress = deps.progress ?? (() => undefined);
  const stepOf = (step: DeployStepId) => plan.steps.find((s) => s.step === step);

  // 1. The role.
  let roleArn = request.externalRoleArn ?? plan.role?.arn;
  let roleCreated = plan.previous?.roleCreated === true && plan.previous.roleName === request.roleName;
  if (!request.externalRoleArn && plan.role) {
    if (!plan.role.exists) {
      progress(`creating the IAM role ${request.roleName}`);
      roleArn = await iam.createRole(aws, request.roleName, request.functionName);
      roleCreated = true;
      await iam.attachBasicExecution(aws, request.roleName, roleArn);
    } else {
      roleCreated ||= plan.role.managedByUs;
      if (!plan.role.trustsLambda) {
        progress(`updating the trust policy of ${request.roleName}`);
        await iam.updateTrust(aws, request.roleName);
      }
      if (!plan.role.basicExecutionAttached) {
        progress(`attaching ${iam.BASIC_EXECUTION_POLICY} to ${request.roleName}`);
        await iam.attachBasicExecution(aws, request.roleName, roleArn as string);
      }
    }
  }
  if (!roleArn) throw new ConflictError(`No ARN for the role ${request.roleName}.`);

  // 2. The secret, in the keychain before it goes anywhere else, so a failure later never loses it.
  if (plan.secret?.storeInKeychain) {
    await deps.secrets.set(secretRefs.hookSecret(request.profile, request.template), plan.secret.value);
  }

  // The bridge key's secret before the function that reads it.
  if (plan.bridgeKey) {
    const role = {
      name: request.roleName,
      managed: !request.externalRoleArn,
      iam: aws.iam,
      PutRolePolicyCommand: aws.iamSdk.PutRolePolicyCommand,
    };
    Object.assign(
      plan.environment,
      await applyBridgeKey(
        plan.bridgeKey,
        { functionName: request.functionName, secretsManager: secretsManagerOf(request, deps) },
        role,
        progress,
      ),
    );
  }

  // 3. The function.
  const settings = functionSettings(request, roleArn, plan.environment);
  let functionArn: string;
  const record = (extra: Partial<HookRecord> = {}): HookRecord => {
    const out: HookRecord = {
      ...(plan.previous ?? {}),
      functionName: request.functionName,
      functionArn,
      region: request.region,
      roleName: request.roleName,
      roleArn: roleArn,
      roleCreated: request.externalRoleArn ? false : roleCreated,
      codeSha256: request.zip.sha256Base64,
      runtime: request.runtime,
      architecture: request.architecture,
      ...extra,
    };
    if (request.externalRoleArn) delete out.roleName;
    return out;
  };
  if (!plan.fn) {
    progress(`creating the Lambda function ${request.functionName}`);
    const created = await lambda.createFunction(aws, settings, request.zip.bytes, timing);
    functionArn = created.arn;
    await writeHookRecord(deps.state, request.profile, request.template, record({ functionUrl: undefined }));
    progress('waiting for the function to become active');
    await lambda.waitActive(aws, request.functionName, timing);
  } else {
    functionArn = plan.fn.arn;
    if (plan.fn.state === 'Pending') {
      progress('waiting for the function to become active');
      await lambda.waitActive(aws, request.functionName, timing);
    } else if (plan.fn.lastUpdateStatus === 'InProgress') {
      progress('waiting for an earlier update of the function to finish');
      await lambda.waitUpdated(aws, request.functionName, timing);
    }
    // The role's ARN is known now: compare again (the plan may have named "the new role").
    if (lambda.configurationChanges(plan.fn, settings).length) {
      progress('updating the function configuration');
      await lambda.updateConfiguration(aws, settings);
      progress('waiting for Lambda to apply the configuration');
      await lambda.waitUpdated(aws, request.functionName, timing);
    }
    if (stepOf('code')?.action === 'update') {
      progress(`uploading the code (${request.zip.bytes.byteLength} bytes)`);
      await lambda.updateCode(aws, request.functionName, request.zip.bytes, request.architecture);
      progress('waiting for Lambda to deploy the code');
      await lambda.waitUpdated(aws, request.functionName, timing);
    }
  }

  // 4. The URL and its permissions.
  let functionUrl = plan.url?.url;
  if (!plan.url) {
    progress('creating the function URL');
    functionUrl = await lambda.createUrl(aws, request.functionName);
  } else if (plan.url.authType !== 'NONE') {
    progress('setting the function URL to AuthType NONE');
    functionUrl = (await lambda.updateUrlAuth(aws, request.functionName)) || plan.url.url;
  }
  if (plan.missingPermissions.length) {
    progress('allowing calls to the function URL');
    await lambda.addUrlPermissions(aws, request.functionName, plan.missingPermissions);
  }
  await writeHookRecord(deps.state, request.profile, request.template, record({ functionUrl }));
  if (plan.bridgeKey) {
    const secretArn = plan.environment[PRIVATE_KEY_SECRET_VARIABLE];
    await writeBridgeKeyRecord(deps.state, request.profile, {
      kid: plan.bridgeKey.kid,
      publicJwk: plan.bridgeKey.publicJwk,
      source: 'hook deploy',
      functionName: request.functionName,
      region: request.region,
      privateKeyIn: plan.bridgeKey.store,
      ...(secretArn ? { secretArn } : {}),
    });
  }

  // 5. Okta: the inline hook with the URL and the secret, attached to the rule.
  let inlineHookId = plan.previous?.inlineHookId;
  if (request.template === 'token-hook' && request.okta && plan.secret && functionUrl) {
    const okta = await import('../okta/resources/inline-hooks.js');
    const target = request.okta;
    const ensured = await okta.ensureInlineHook(
      target.client,
      { name: target.hookName, uri: functionUrl, secret: plan.secret.value },
      { existing: plan.hook, secretChanged: plan.secret.pushToOkta || !plan.fn },
    );
    if (ensured.action !== 'unchanged')
      progress(`${ensured.action} the Okta inline hook ${target.hookName} (${ensured.hook.id})`);
    inlineHookId = ensured.hook.id;
    await writeHookRecord(
      deps.state,
      request.profile,
      request.template,
      record({ functionUrl, inlineHookId, inlineHookName: target.hookName }),
    );
    if (target.rule) {
      const attached = await okta.attachInlineHook(target.client, target.rule, inlineHookId, plan.rule);
      if (attached === 'attached') progress(`attached the inline hook to the policy rule ${target.rule.ruleId}`);
      await writeHookRecord(
        deps.state,
        request.profile,
        request.template,
        record({ functionUrl, inlineHookId, inlineHookName: target.hookName, rule: target.rule }),
      );
    }
  }

  return result(plan, { functionArn, functionUrl, inlineHookId, dryRun: false });
}

export function result(
  plan: DeployPlan,
  made: {
    functionArn?: string | undefined;
    functionUrl?: string | undefined;
    inlineHookId?: string | undefined;
    dryRun: boolean;
  },
): DeployResult {
  const { request } = plan;
  const out: DeployResult = {
    template: request.template,
    functionName: request.functionName,
    region: request.region,
    codeSha256: request.zip.sha256Base64,
    dryRun: made.dryRun,
    changed: planChanges(plan.steps),
    plan: plan.steps,
  };
  if (made.functionArn) out.functionArn = made.functionArn;
  if (made.functionUrl) out.functionUrl = made.functionUrl;
  if (made.inlineHookId) out.inlineHookId = made.inlineHookId;
  if (plan.bridgeKey) {
    const secretArn = plan.environment[PRIVATE_KEY_SECRET_VARIABLE];
    out.bridgeKey = {
      kid: plan.bridgeKey.kid,
      publicJwk: plan.bridgeKey.publicJwk,
      privateKeyIn: plan.bridgeKey.store,
      ...(secretArn ? { secretArn } : {}),
    };
  }
  if (request.template === 'scim-bridge' && made.functionUrl) {
    out.scim = scimInstructions(
      made.functionUrl,
      (plan.environment.ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
      request.oktaState,
      request.oktaOrgUrl,
      Boolean(plan.bridgeKey),
    );
  }
  return out;
}

/** What the Okta SCIM app needs: a base URL per allowed host, and the command that makes its bearer token. */
function scimInstructions(
  functionUrl: string,
  hosts: string[],
  okta: OktaState | undefined,
  orgUrl?: string,
  sealed = false,
): ScimInstructions {
  const baseUrls = hosts.map((host) => ({ host, url: bridgeBaseUrl(functionUrl, host) }));
  // The token URL from the profile's org and the server's id, never the state's own tokenEndpoint.
  const serverId = okta?.authServerId && /^[A-Za-z0-9]+$/.test(okta.authServerId) ? okta.authServerId : undefined;
  const tokenUrl = orgUrl && serverId ? `${issuerFor(orgUrl, serverId)}/v1/token` : '<token URL>';
  const parts = [
    'okta-m2m scim-token encode',
    ...(sealed ? ['--seal'] : []),
    `--token-url ${tokenUrl}`,
    `--client-id ${okta?.clientId ?? '<client id>'}`,
    '--client-secret-stdin',
    ...(okta?.scopes ?? []).map((s) => `--scope ${s}`),
    `--bridge-url ${functionUrl}`,
    `--target ${hosts[0] ?? '<host>'}`,
  ];
  return { baseUrls, encodeCommand: parts.join(' ') };
}

export async function deploy(
  request: DeployRequest,
  deps: DeployDeps,
  options: { dryRun?: boolean } = {},
): Promise<DeployResult> {
  const plan = await planDeploy(request, deps);
  if (options.dryRun) {
    return result(plan, {
      functionArn: plan.fn?.arn,
      functionUrl: plan.url?.url,
      inlineHookId: plan.hook?.id,
      dryRun: true,
    });
  }
  return applyDeploy(plan, deps);
}

// -------------------------------------------------------------------------------------------------------------
// Remove

interface RemoveRequest {
  template: DeployTemplate;
  profile: string;
  region: string;
  functionName: string;
  roleName: string;
  okta?: { client: OktaClient; hookName: string } | undefined;
  /** The rule to detach from when the record names none (init's rule). */
  rule?: RuleRef | undefined;
  /** The setup the rule must belong to before the hook is detached from it. */
  oktaState?: OktaState | undefined;
}

interface RemovePlan {
  request: RemoveRequest;
  steps: PlanStep[];
  record: HookRecord | undefined;
  functionExists: boolean;
  urlExists: boolean;
  deleteRole: boolean;
  roleName: string | undefined;
  hookId: string | undefined;
  rule: RuleRef | undefined;
  /** scim-bridge: the key secret okta-m2m made for the function, to delete; whether the state's key is this function's. */
  keySecretArn?: string | undefined;
  clearBridgeKeyRecord?: boolean;
}

export async function planRemove(
  request: RemoveRequest,
  deps: Pick<DeployDeps, 'aws' | 'state' | 'secrets' | 'secretsManager'>,
): Promise<RemovePlan> {
  const { aws } = deps;
  const record = readHookRecords(deps.state, request.profile)[request.template];
  const steps: PlanStep[] = [];

  let hookId = record?.inlineHookId;
  const rule = record?.rule ?? request.rule;
  if (request.template === 'token-hook' && request.okta) {
    const okta = await import('../okta/resources/inline-hooks.js');
    const hook = await okta.findTokenHook(request.okta.client, record?.inlineHookName ?? request.okta.hookName, hookId);
    hookId = hook?.id;
    if (rule && hookId) {
      await checkSetupRule(request.okta.client, request.oktaState, rule);
      const current = okta.ruleHookId(await okta.readRule(request.okta.client, rule));
      steps.push({
        step: 'rule',
        resource: 'Okta policy rule',
        name: rule.ruleId,
        action: current === hookId ? 'update' : 'unchanged',
        changes: current === hookId ? ['detach the inline hook'] : [],
      });
    }
    steps.push({
      step: 'inline-hook',
      resource: 'Okta inline hook',
      name: hookId ?? request.okta.hookName,
      action: hookId ? 'delete' : 'unchanged',
      changes: hookId ? [] : ['not found'],
    });
  } else if (request.template === 'token-hook' && hookId) {
    steps.push({
      step: 'inline-hook',
      resource: 'Okta inline hook',
      name: hookId,
      action: 'skip',
      changes: ['--no-okta: left in Okta'],
    });
  }

  const fn = await lambda.observeFunction(aws, request.functionName);
  const url = fn ? await lambda.observeUrl(aws, request.functionName) : undefined;
  steps.push({
    step: 'url',
    resource: 'function URL',
    name: url?.url ?? request.functionName,
    action: url ? 'delete' : 'unchanged',
    changes: url ? [] : ['not found'],
  });
  steps.push({
    step: 'function',
    resource: 'Lambda function',
    name: request.functionName,
    action: fn ? 'delete' : 'unchanged',
    changes: fn ? [] : ['not found'],
  });
  let keySecretArn: string | undefined;
  let clearBridgeKeyRecord = false;
  if (request.template === 'scim-bridge') {
    const keySecret = await keySecretToRemove(
      fn?.environment,
      request.functionName,
      deps.secretsManager ?? (() => createSecretsManager(request.region)),
    );
    if (keySecret) {
      keySecretArn = keySecret.ours ? keySecret.arn : undefined;
      steps.push({
        step: 'bridge-key-secret',
        resource: 'bridge key secret',
        name: keySecret.arn,
        action: keySecret.ours ? 'delete' : 'skip',
        changes: keySecret.ours ? ['recoverable for 30 days'] : ['not created by okta-m2m: kept'],
      });
    }
    const keyRecord = await readBridgeKeyRecord(deps.state, request.profile);
    clearBridgeKeyRecord = keyRecord?.source === 'hook deploy' && keyRecord.functionName === request.functionName;
    if (clearBridgeKeyRecord)
      steps.push({
        step: 'bridge-key-state',
        resource: 'project state',
        name: 'scimBridge (the bridge public key)',
        action: 'delete',
        changes: [],
      });
  }

  // The role goes only when okta-m2m made it: recorded so, or (without a record) tagged so.
  const roleName = record ? record.roleName : request.roleName;
  let deleteRole = false;
  if (roleName) {
    const role = await iam.observeRole(aws, roleName);
    deleteRole = role.exists && (record ? record.roleCreated === true : role.managedByUs);
    steps.push({
      step: 'role',
      resource: 'IAM role',
      name: roleName,
      action: deleteRole ? 'delete' : role.exists ? 'skip' : 'unchanged',
      changes: deleteRole ? [] : role.exists ? ['not created by okta-m2m: kept'] : ['not found'],
    });
  }
  if (request.template === 'token-hook') {
    steps.push({
      step: 'shared-secret',
      resource: 'shared secret',
      name: secretRefs.hookSecret(request.profile, request.template).account,
      action: 'delete',
      changes: [],
    });
  }
  if (record)
    steps.push({
      step: 'state',
      resource: 'project state',
      name: `hooks.${request.template}`,
      action: 'delete',
      changes: [],
    });
  return {
    request,
    steps,
    record,
    functionExists: Boolean(fn),
    urlExists: Boolean(url),
    deleteRole,
    roleName,
    hookId,
    rule,
    keySecretArn,
    clearBridgeKeyRecord,
  };
}

export async function applyRemove(
  plan: RemovePlan,
  deps: Pick<DeployDeps, 'aws' | 'state' | 'secrets' | 'progress' | 'secretsManager'>,
): Promise<void> {
  const { request } = plan;
  const progress = deps.progress ?? (() => undefined);
  if (request.template === 'token-hook' && request.okta && plan.hookId) {
    const okta = await import('../okta/resources/inline-hooks.js');
    if (plan.rule) {
      const detached = await okta.detachInlineHook(request.okta.client, plan.rule, plan.hookId);
      if (detached === 'detached') progress(`detached the inline hook from the policy rule ${plan.rule.ruleId}`);
    }
    if (await okta.deleteInlineHook(request.okta.client, plan.hookId))
      progress(`deleted the Okta inline hook ${plan.hookId}`);
  }
  if (plan.urlExists && (await lambda.deleteUrl(deps.aws, request.functionName))) progress('deleted the function URL');
  if (plan.functionExists && (await lambda.deleteFunction(deps.aws, request.functionName)))
    progress(`deleted the Lambda function ${request.functionName}`);
  if (plan.deleteRole && plan.roleName && (await iam.deleteRole(deps.aws, plan.roleName)))
    progress(`deleted the IAM role ${plan.roleName}`);
  if (request.template === 'token-hook')
    await deps.secrets.delete(secretRefs.hookSecret(request.profile, request.template));
  if (plan.keySecretArn) {
    await deleteKeySecret(plan.keySecretArn, deps.secretsManager ?? (() => createSecretsManager(request.region)));
    progress(`scheduled the bridge key secret ${plan.keySecretArn} for deletion`);
  }
  if (plan.clearBridgeKeyRecord) await deps.state.set(request.profile, 'scimBridge', undefined);
  await writeHookRecord(deps.state, request.profile, request.template, undefined);
}
