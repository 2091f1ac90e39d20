import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { ConflictError, RemoteError } from '../errors.js';
import { awsCall, awsFind, isAwsError, mapAwsError, type AwsClients, type AwsTiming } from './aws-clients.js';

/**
 * The Lambda function, its function URL (AuthType NONE: Okta authenticates with the shared header secret, the SCIM
 * bridge with its bridge token) and the resource policy that lets the URL be called.
 */
const HANDLER = 'index.handler';
import type { ArchitectureName, RuntimeName } from './names.js';

export { type ArchitectureName, type RuntimeName } from './names.js';

/**
 * Since October 2025 a function URL with AuthType NONE needs both statements: lambda:InvokeFunctionUrl with the
 * FunctionUrlAuthType condition, and lambda:InvokeFunction limited to calls through the URL.
 */
export const URL_PERMISSIONS = [
  { StatementId: 'okta-m2m-function-url', Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: 'NONE' as const },
  { StatementId: 'okta-m2m-function-url-invoke', Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true },
] as const;

export interface FunctionSettings {
  functionName: string;
  roleArn: string;
  runtime: RuntimeName;
  architecture: ArchitectureName;
  memorySize: number;
  timeout: number;
  description: string;
  environment: Record<string, string>;
  tags: Record<string, string>;
}

export interface ObservedFunction {
  arn: string;
  codeSha256: string | undefined;
  runtime: string | undefined;
  handler: string | undefined;
  role: string | undefined;
  memorySize: number | undefined;
  timeout: number | undefined;
  description: string | undefined;
  architecture: string | undefined;
  /** undefined when Lambda could not decrypt them (Environment.Error). */
  environment: Record<string, string> | undefined;
  state: string | undefined;
  lastUpdateStatus: string | undefined;
  /** Tagged managed-by=okta-m2m. */
  managedByUs: boolean;
}

export interface ObservedUrl {
  url: string;
  authType: string | undefined;
}

export async function observeFunction(clients: AwsClients, name: string): Promise<ObservedFunction | undefined> {
  const { GetFunctionCommand } = clients.lambdaSdk;
  const got = await awsFind('read the Lambda function', () =>
    clients.lambda.send(new GetFunctionCommand({ FunctionName: name })),
  );
  const c = got?.Configuration;
  if (!c) return undefined;
  return {
    ...settingsOf(c),
    architecture: c.Architectures?.[0] ?? 'x86_64',
    environment: c.Environment?.Error ? undefined : { ...(c.Environment?.Variables ?? {}) },
    state: c.State,
    lastUpdateStatus: c.LastUpdateStatus,
    managedByUs: got?.Tags?.['managed-by'] === 'okta-m2m',
  };
}

/** The fields of a function's configuration (GetFunction's, or CreateFunction's answer) read the same way. */
function settingsOf(c: FunctionConfiguration) {
  return {
    arn: c.FunctionArn ?? '',
    codeSha256: c.CodeSha256,
    runtime: c.Runtime,
    handler: c.Handler,
    role: c.Role,
    memorySize: c.MemorySize,
    timeout: c.Timeout,
    description: c.Description,
  };
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** Names of the environment variables that differ (names only: values may be secrets). */
function environmentChanges(current: Record<string, string> | undefined, desired: Record<string, string>): string[] {
  if (!current) return Object.keys(desired).sort();
  const keys = new Set([...Object.keys(current), ...Object.keys(desired)]);
  return [...keys].filter((k) => current[k] !== desired[k]).sort();
}

/** What UpdateFunctionConfiguration would change, as readable items (never a variable's value). */
export function configurationChanges(observed: ObservedFunction, desired: FunctionSettings): string[] {
  const changes: string[] = [];
  const diff = (label: string, from: string | number | undefined, to: string | number | undefined) => {
    if (from !== to) changes.push(`${label}: ${String(from ?? '(none)')} -> ${String(to)}`);
  };
  diff('runtime', observed.runtime, desired.runtime);
  diff('handler', observed.handler, HANDLER);
  diff('role', observed.role, desired.roleArn);
  diff('memory (MB)', observed.memorySize, desired.memorySize);
  diff('timeout (s)', observed.timeout, desired.timeout);
  diff('description', observed.description ?? '', desired.description);
  if (!sameMap(observed.environment, desired.environment)) {
    changes.push(
      `environment: ${environmentChanges(observed.environment, desired.environment).join(', ') || '(unreadable)'}`,
    );
  }
  return changes;
}

/** What UpdateFunctionCode would change: the code (CodeSha256) or the architecture (set with the code). */
export function codeChanges(
  observed: ObservedFunction,
  sha256Base64: string,
  architecture: ArchitectureName,
): string[] {
  const changes: string[] = [];
  if (observed.codeSha256 !== sha256Base64) changes.push(`code: ${observed.codeSha256 ?? '(none)'} -> ${sha256Base64}`);
  if (observed.architecture !== architecture)
    changes.push(`architecture: ${observed.architecture ?? '(none)'} -> ${architecture}`);
  return changes;
}

const ROLE_NOT_READY = /role defined for the function cannot be assumed by Lambda|cannot be assumed by Lambda/i;

/**
 * CreateFunction, retried while a new role is not yet assumable: IAM is eventually consistent, and Lambda answers
 * InvalidParameterValueException "The role defined for the function cannot be assumed by Lambda" for a few seconds.
 */
export async function createFunction(
  clients: AwsClients,
  settings: FunctionSettings,
  zip: Uint8Array,
  timing: AwsTiming,
): Promise<ObservedFunction> {
  const { CreateFunctionCommand } = clients.lambdaSdk;
  const input = {
    FunctionName: settings.functionName,
    Runtime: settings.runtime,
    Role: settings.roleArn,
    Handler: HANDLER,
    Code: { ZipFile: zip },
    Description: settings.description,
    Timeout: settings.timeout,
    MemorySize: settings.memorySize,
    PackageType: 'Zip' as const,
    Architectures: [settings.architecture],
    Environment: { Variables: settings.environment },
    Tags: settings.tags,
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      const created = await clients.lambda.send(new CreateFunctionCommand(input));
      return {
        ...settingsOf(created),
        architecture: created.Architectures?.[0],
        environment: created.Environment?.Variables,
        state: created.State,
        lastUpdateStatus: created.LastUpdateStatus,
        managedByUs: true,
      };
    } catch (error) {
      const delay = timing.roleRetryDelaysMs[attempt];
      const notReady =
        isAwsError(error, 'InvalidParameterValueException') && ROLE_NOT_READY.test((error as Error).message ?? '');
      if (notReady && delay !== undefined) {
        await timing.sleep(delay);
        continue;
      }
      if (notReady) {
        throw new ConflictError(`Lambda still cannot assume the execution role ${settings.roleArn}.`, {
          cause: error,
          hint: 'IAM changes can take a minute to reach Lambda: run the command again shortly.',
        });
      }
      throw mapAwsError(error, 'create the Lambda function');
    }
  }
}

export async function updateCode(
  clients: AwsClients,
  name: string,
  zip: Uint8Array,
  architecture: ArchitectureName,
): Promise<void> {
  const { UpdateFunctionCodeCommand } = clients.lambdaSdk;
  await awsCall('upload the function code', () =>
    clients.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip, Architectures: [architecture] }),
    ),
  );
}

export async function updateConfiguration(clients: AwsClients, settings: FunctionSettings): Promise<void> {
  const { UpdateFunctionConfigurationCommand } = clients.lambdaSdk;
  await awsCall('update the function configuration', () =>
    clients.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: settings.functionName,
        Runtime: settings.runtime,
        Role: settings.roleArn,
        Handler: HANDLER,
        Description: settings.description,
        Timeout: settings.timeout,
        MemorySize: settings.memorySize,
        Environment: { Variables: settings.environment },
      }),
    ),
  );
}

async function runWaiter(what: string, wait: () => Promise<{ state: string; reason?: unknown }>): Promise<void> {
  try {
    await wait();
  } catch (error) {
    const name = (error as Error | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError' || /waiter/i.test(String((error as Error | null)?.message))) {
      const result = (
        error as { result?: { reason?: { Configuration?: { StateReason?: string; LastUpdateStatusReason?: string } } } }
      ).result;
      const reason =
        result?.reason?.Configuration?.StateReason ?? result?.reason?.Configuration?.LastUpdateStatusReason;
      throw new RemoteError(`The Lambda function did not become ${what}${reason ? `: ${reason}` : ''}.`, {
        cause: error,
        hint: 'Look at the function in the AWS console (its state reason), then run the command again.',
      });
    }
    throw mapAwsError(error, `wait for the function to become ${what}`);
  }
}

function waiterParams(clients: AwsClients, timing: AwsTiming) {
  return {
    client: clients.lambda,
    maxWaitTime: timing.waitMaxSeconds,
    minDelay: timing.waitMinDelaySeconds,
    maxDelay: timing.waitMaxDelaySeconds,
  };
}

export async function waitActive(clients: AwsClients, name: string, timing: AwsTiming): Promise<void> {
  const { waitUntilFunctionActiveV2 } = clients.lambdaSdk;
  await runWaiter('active', () => waitUntilFunctionActiveV2(waiterParams(clients, timing), { FunctionName: name }));
}

export async function waitUpdated(clients: AwsClients, name: string, timing: AwsTiming): Promise<void> {
  const { waitUntilFunctionUpdatedV2 } = clients.lambdaSdk;
  await runWaiter('updated', () => waitUntilFunctionUpdatedV2(waiterParams(clients, timing), { FunctionName: name }));
}

export async function observeUrl(clients: AwsClients, name: string): Promise<ObservedUrl | undefined> {
  const { GetFunctionUrlConfigCommand } = clients.lambdaSdk;
  const got = await awsFind('read the function URL', () =>
    clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name })),
  );
  return got?.FunctionUrl ? { url: got.FunctionUrl, authType: got.AuthType } : undefined;
}

export async function createUrl(clients: AwsClients, name: string): Promise<string> {
  const { CreateFunctionUrlConfigCommand } = clients.lambdaSdk;
  const created = await awsCall('create the function URL', () =>
    clients.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' })),
  );
  if (!created.FunctionUrl) throw new RemoteError('AWS created the function URL but returned no URL.');
  return created.FunctionUrl;
}

export async function updateUrlAuth(clients: AwsClients, name: string): Promise<string> {
  const { UpdateFunctionUrlConfigCommand } = clients.lambdaSdk;
  const updated = await awsCall('update the function URL', () =>
    clients.lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' })),
  );
  return updated.FunctionUrl ?? '';
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function isPublic(principal: unknown): boolean {
  return (
    principal === '*' ||
    (typeof principal === 'object' && principal !== null && (principal as { AWS?: unknown }).AWS === '*')
  );
}

/** Which of the URL permissions the function's resource policy already grants (by our statement id or by content). */
function grantedUrlPermissions(policy: string | undefined): Set<string> {
  const granted = new Set<string>();
  if (!policy) return granted;
  let statements: PolicyStatement[];
  try {
    const parsed = JSON.parse(policy) as { Statement?: PolicyStatement | PolicyStatement[] };
    statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  } catch {
    return granted;
  }
  for (const wanted of URL_PERMISSIONS) {
    const found = statements.some((s) => {
      if (s.Sid === wanted.StatementId) return true;
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      if (s.Effect !== 'Allow' || !actions.includes(wanted.Action) || !isPublic(s.Principal)) return false;
      const conditions = JSON.stringify(s.Condition ?? {});
      return 'FunctionUrlAuthType' in wanted
        ? conditions.includes('"lambda:FunctionUrlAuthType":"NONE"')
        : conditions.includes('lambda:InvokedViaFunctionUrl');
    });
    if (found) granted.add(wanted.StatementId);
  }
  return granted;
}

export async function observePermissions(clients: AwsClients, name: string): Promise<Set<string>> {
  const { GetPolicyCommand } = clients.lambdaSdk;
  const got = await awsFind('read the function policy', () =>
    clients.lambda.send(new GetPolicyCommand({ FunctionName: name })),
  );
  return grantedUrlPermissions(got?.Policy);
}

/** AddPermission for each missing statement; one that exists already (ResourceConflictException) is fine. */
export async function addUrlPermissions(
  clients: AwsClients,
  name: string,
  statementIds: Iterable<string>,
): Promise<void> {
  const { AddPermissionCommand } = clients.lambdaSdk;
  const wanted = new Set(statementIds);
  for (const permission of URL_PERMISSIONS) {
    if (!wanted.has(permission.StatementId)) continue;
    try {
      await clients.lambda.send(new AddPermissionCommand({ FunctionName: name, Principal: '*', ...permission }));
    } catch (error) {
      if (isAwsError(error, 'ResourceConflictException')) continue;
      throw mapAwsError(error, 'allow calls to the function URL');
    }
  }
}

export async function deleteUrl(clients: AwsClients, name: string): Promise<boolean> {
  const { DeleteFunctionUrlConfigCommand } = clients.lambdaSdk;
  return deleted('delete the function URL', () =>
    clients.lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name })),
  );
}

export async function deleteFunction(clients: AwsClients, name: string): Promise<boolean> {
  const { DeleteFunctionCommand } = clients.lambdaSdk;
  return deleted('delete the Lambda function', () =>
    clients.lambda.send(new DeleteFunctionCommand({ FunctionName: name })),
  );
}

/** Runs a delete; false when there was nothing to delete (AWS's not-found). */
async function deleted(what: string, call: () => Promise<unknown>): Promise<boolean> {
  return (await awsFind(what, call)) !== undefined;
}
