import type { Client } from '@okta/okta-sdk-nodejs';
import { UsageError } from '../errors.js';
import { RetryingExecutor, type ExecutorRequest, type ExecutorResponse, type RetryOptions } from './retry.js';

/**
 * The Okta management client: the Okta Node SDK (loaded lazily, it costs about half a second), authenticated with
 * an SSWS API token or with OAuth 2.0 private_key_jwt, with our retrying request executor and without the SDK's
 * response cache (a read after a write must see the write).
 */
export type OktaCredentials =
  | { orgUrl: string; mode: 'ssws'; token: string }
  | {
      orgUrl: string;
      mode: 'private_key_jwt';
      clientId: string;
      scopes: string[];
      /** PEM (PKCS#1 or PKCS#8) or a JWK as JSON. */
      privateKey: string;
      keyId?: string;
    };

export interface OktaClient {
  readonly orgUrl: string;
  readonly sdk: Client;
}

export interface ClientOptions {
  retry?: RetryOptions;
}

type SdkModule = typeof import('@okta/okta-sdk-nodejs');

let sdkModule: Promise<SdkModule> | undefined;

export async function loadSdk(): Promise<SdkModule> {
  sdkModule ??= import('@okta/okta-sdk-nodejs').then(
    (mod) => ((mod as unknown as { default?: SdkModule }).default ?? mod) as SdkModule,
  );
  return sdkModule;
}

/** `https://acme.okta.com/` -> `https://acme.okta.com`; rejects what is not an http(s) origin. */
export function normalizeOrgUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UsageError(`"${input}" is not a URL.`, { hint: 'Give the org URL, such as https://acme.okta.com.' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`"${input}" is not an http(s) URL.`, { hint: 'Give the org URL, such as https://acme.okta.com.' });
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new UsageError(`The org URL ${input} is not https.`, {
      hint: 'Okta orgs are served over https; plain http is accepted only for a local emulator.',
    });
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new UsageError(`The org URL ${input} has a path.`, {
      hint: `Give the org's origin only: ${url.origin} (not the admin console or an authorization server URL).`,
    });
  }
  return url.origin;
}

export async function createOktaClient(credentials: OktaCredentials, options: ClientOptions = {}): Promise<OktaClient> {
  const sdk = await loadSdk();
  const base = new sdk.RequestExecutor();
  const transport = (request: ExecutorRequest) =>
    (base.fetch as unknown as (r: ExecutorRequest) => Promise<ExecutorResponse>).call(base, request);
  const requestExecutor = new RetryingExecutor(transport, options.retry);
  const orgUrl = normalizeOrgUrl(credentials.orgUrl);
  const common = {
    orgUrl,
    requestExecutor: requestExecutor as unknown as InstanceType<SdkModule['RequestExecutor']>,
    // null, not undefined: the SDK installs its default cache middleware unless told null.
    cacheMiddleware: null,
    userAgent: 'okta-m2m',
  };
  const client =
    credentials.mode === 'ssws'
      ? new sdk.Client({ ...common, token: credentials.token })
      : new sdk.Client({
          ...common,
          authorizationMode: 'PrivateKey',
          clientId: credentials.clientId,
          scopes: credentials.scopes,
          privateKey: credentials.privateKey,
          ...(credentials.keyId ? { keyId: credentials.keyId } : {}),
        });
  return { orgUrl, sdk: client };
}
