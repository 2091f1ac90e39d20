import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type * as IamSdkModule from '@aws-sdk/client-iam';
import type * as LambdaSdkModule from '@aws-sdk/client-lambda';
import type { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { AuthError, CliError, ConflictError, NotFoundError, RemoteError, UsageError } from '../errors.js';
import { remoteCall } from '../remote-call.js';
import { proxyConfigured, proxyFor } from '../http/proxy.js';

/**
 * The AWS side of `hook deploy` / `hook remove`: the Lambda and IAM SDKs, loaded only by those commands, and the
 * clients, which tests pass in (aws-sdk-client-mock intercepts them; no AWS endpoint is reachable there).
 * Credentials come from the SDK's standard chain (environment, shared config and SSO, web identity, IMDS).
 */
export type LambdaSdk = typeof LambdaSdkModule;
export type IamSdk = typeof IamSdkModule;

export interface AwsClients {
  lambda: LambdaClient;
  iam: IAMClient;
  lambdaSdk: LambdaSdk;
  iamSdk: IamSdk;
}

/** Waits and retries; tests make them short. */
export interface AwsTiming {
  /** Seconds a waiter may take (function active / updated). */
  waitMaxSeconds: number;
  waitMinDelaySeconds: number;
  waitMaxDelaySeconds: number;
  /** Delays before retrying CreateFunction while a new role is not yet assumable (IAM propagation). */
  roleRetryDelaysMs: number[];
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_TIMING: AwsTiming = {
  waitMaxSeconds: 300,
  waitMinDelaySeconds: 1,
  waitMaxDelaySeconds: 5,
  roleRetryDelaysMs: [2000, 3000, 5000, 8000, 10000, 12000],
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function interop<T>(mod: T): T {
  return (mod as unknown as { default?: T }).default ?? mod;
}

let sdks: Promise<{ lambdaSdk: LambdaSdk; iamSdk: IamSdk }> | undefined;

async function loadAwsSdks(): Promise<{ lambdaSdk: LambdaSdk; iamSdk: IamSdk }> {
  sdks ??= Promise.all([import('@aws-sdk/client-lambda'), import('@aws-sdk/client-iam')]).then(([lambda, iam]) => ({
    lambdaSdk: interop(lambda),
    iamSdk: interop(iam),
  }));
  return sdks;
}

/** The SDK's NodeHttpHandler options: time limits, and the agent that takes AWS requests through a proxy. */
export interface AwsRequestHandlerOptions {
  connectionTimeout?: number;
  requestTimeout?: number;
  throwOnRequestTimeout?: boolean;
  httpsAgent?: HttpsAgent;
}

/**
 * The request handler options of the AWS clients. With HTTPS_PROXY / HTTP_PROXY set, an agent that tunnels each
 * request (CONNECT) through the proxy that src/http/proxy.ts's rule picks for its endpoint, or connects directly
 * where NO_PROXY exempts it: one rule for our HTTP and the SDK's. https-proxy-agent is loaded only then.
 */
export async function awsRequestHandler(
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
): Promise<AwsRequestHandlerOptions | undefined> {
  const options: AwsRequestHandlerOptions =
    timeoutMs !== undefined
      ? { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true }
      : {};
  if (proxyConfigured(env)) options.httpsAgent = await routedProxyAgent(env);
  return Object.keys(options).length ? options : undefined;
}

async function routedProxyAgent(env: NodeJS.ProcessEnv): Promise<HttpsAgent> {
  const [{ HttpsProxyAgent }, https] = await Promise.all([import('https-proxy-agent'), import('node:https')]);
  const direct = new https.Agent({ keepAlive: true });
  // The AWS endpoints are https: one proxy for all of them (HTTPS_PROXY, else HTTP_PROXY), NO_PROXY per endpoint.
  const proxy = proxyFor(new URL('https://amazonaws.com'), { ...env, NO_PROXY: '', no_proxy: '' });
  type ConnectArgs = Parameters<InstanceType<typeof HttpsProxyAgent<string>>['connect']>;
  class RoutedProxyAgent extends HttpsProxyAgent<string> {
    /** Where a request to this endpoint goes: the proxy's URL, or undefined (direct). */
    proxyForEndpoint(host: string, port: number): string | undefined {
      return proxyFor(new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`), env);
    }
    override connect(req: ConnectArgs[0], opts: ConnectArgs[1]): Promise<Socket> {
      // agent-base hands the request to an Agent that connect returns; HttpsProxyAgent's type only narrows that.
      if (!this.proxyForEndpoint(opts.host ?? '', opts.port)) return Promise.resolve(direct as unknown as Socket);
      return super.connect(req, opts);
    }
  }
  return new RoutedProxyAgent(proxy ?? 'http://127.0.0.1', { keepAlive: true });
}

/**
 * Clients for a region (undefined: the SDK's own resolution, AWS_REGION or the shared config). `timeoutMs` (the
 * global --timeout) bounds connecting and each request; without throwOnRequestTimeout the SDK would only warn.
 */
export async function createAwsClients(
  region: string | undefined,
  timeoutMs?: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AwsClients> {
  // The SDK warns on Node 20 about SDK releases from 2027 on, which the lockfile does not take; a multi-line
  // warning on every deploy says nothing actionable to our users. Their own setting of the switch wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [{ lambdaSdk, iamSdk }, requestHandler] = await Promise.all([loadAwsSdks(), awsRequestHandler(env, timeoutMs)]);
  const config = { ...(region ? { region } : {}), ...(requestHandler ? { requestHandler } : {}) };
  return {
    lambda: new lambdaSdk.LambdaClient(config),
    iam: new iamSdk.IAMClient(config),
    lambdaSdk,
    iamSdk,
  };
}

/** The region the Lambda client resolved (flag, environment or shared config); a usage error when none. */
export async function resolvedRegion(clients: AwsClients): Promise<string> {
  try {
    const region = await clients.lambda.config.region();
    if (region) return region;
  } catch {
    // fall through
  }
  throw new UsageError('No AWS region: pass --region (or set AWS_REGION).', {
    hint: 'For example: okta-m2m hook deploy token-hook --region eu-west-1',
  });
}

function awsErrorName(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v) return v;
  return undefined;
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  const name = awsErrorName(error);
  return name !== undefined && names.includes(name);
}

function requestIdOf(error: unknown): string | undefined {
  const meta = (error as { $metadata?: { requestId?: string } } | null)?.$metadata;
  return typeof meta?.requestId === 'string' ? meta.requestId : undefined;
}

function statusOf(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
}

/** An AWS SDK error as one of the CLI's typed errors; `what` says what was being done ("create the function"). */
export function mapAwsError(error: unknown, what: string): unknown {
  if (error instanceof CliError) return error;
  const name = awsErrorName(error) ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error, requestId: requestIdOf(error) };
  if (
    name === 'CredentialsProviderError' ||
    (/Could not load credentials|credential/i.test(message) &&
      name !== 'InvalidParameterValueException' &&
      statusOf(error) === undefined)
  ) {
    return new AuthError(`No AWS credentials to ${what}.`, {
      ...options,
      hint: 'Use the standard AWS credential chain: AWS_PROFILE (after "aws sso login"), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role.',
    });
  }
  if (/Region is missing/i.test(message)) {
    return new UsageError('No AWS region: pass --region (or set AWS_REGION).', options);
  }
  if (
    [
      'AccessDenied',
      'AccessDeniedException',
      'UnauthorizedOperation',
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'ExpiredToken',
      'ExpiredTokenException',
      'SignatureDoesNotMatch',
    ].includes(name) ||
    statusOf(error) === 403
  ) {
    return new AuthError(`AWS refused the request to ${what} (${name || 'HTTP 403'}).`, {
      ...options,
      hint: 'The credentials need lambda:* on the function, iam:CreateRole/GetRole/AttachRolePolicy/PassRole on its role; refresh expired credentials (aws sso login).',
    });
  }
  if (['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException'].includes(name)) {
    return new NotFoundError(`AWS could not find what was needed to ${what}: ${message}`, options);
  }
  if (['ResourceConflictException', 'EntityAlreadyExistsException', 'DeleteConflictException'].includes(name)) {
    return new ConflictError(`AWS reported a conflict while trying to ${what}: ${message}`, {
      ...options,
      hint: 'Another change may be in progress; run the command again in a moment.',
    });
  }
  if (
    [
      'InvalidParameterValueException',
      'ValidationException',
      'MalformedPolicyDocument',
      'MalformedPolicyDocumentException',
    ].includes(name)
  ) {
    return new UsageError(`AWS refused the request to ${what}: ${message}`, options);
  }
  if (
    [
      'TooManyRequestsException',
      'Throttling',
      'ThrottlingException',
      'LimitExceeded',
      'LimitExceededException',
    ].includes(name)
  ) {
    return new RemoteError(`AWS throttled the request to ${what}: ${message}`, {
      ...options,
      hint: 'Wait a little and run the command again; it resumes where it stopped.',
    });
  }
  return new RemoteError(`AWS failed to ${what}: ${name ? `${name}: ` : ''}${message}`, {
    ...options,
    status: statusOf(error),
    hint: 'Run the command again; it resumes where it stopped (add --debug for the request id).',
  });
}

/** Runs an AWS call and maps its errors. */
export async function awsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  return remoteCall(call, (error) => mapAwsError(error, what));
}

/** Like awsCall, but the named "not found" errors are `undefined`. */
export async function awsFind<T>(
  what: string,
  call: () => Promise<T>,
  notFound: string[] = ['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException'],
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isAwsError(error, ...notFound)) return undefined;
    throw mapAwsError(error, what);
  }
}
