import { AuthError, CliError, ConflictError, NotFoundError, RemoteError, UsageError } from '../errors.js';
import { remoteCall, remoteFind } from '../remote-call.js';
import { HttpStatusError, NetworkError, RequestTimeoutError } from '../http/errors.js';

/**
 * Okta's error answers (the HTTP core's HttpStatusError, or the SDK's OktaApiError in tests) turned into the CLI's typed errors, with
 * a message for a person, a hint, and Okta's X-Okta-Request-Id for --debug. Never a secret: Okta's error bodies
 * carry none, and the request URL is reduced to its path.
 */
interface OktaErrorLike {
  status?: number;
  errorCode?: string;
  errorSummary?: string;
  errorCauses?: Array<{ errorSummary?: string }>;
  url?: string;
  headers?: unknown;
  message?: string;
}

/** The okta.* scope an OAuth-authenticated client needs for a method and path. */
export function requiredScope(method: string, path: string): string | undefined {
  const write = !['GET', 'HEAD'].includes(method.toUpperCase());
  const areas: Array<[RegExp, string]> = [
    [/^\/api\/v1\/apps(\/|$|\?)/, 'okta.apps'],
    [/^\/api\/v1\/authorizationServers(\/|$|\?)/, 'okta.authorizationServers'],
    [/^\/api\/v1\/inlineHooks(\/|$|\?)/, 'okta.inlineHooks'],
    [/^\/api\/v1\/users(\/|$|\?)/, 'okta.users'],
    [/^\/api\/v1\/groups(\/|$|\?)/, 'okta.groups'],
    [/^\/api\/v1\/policies(\/|$|\?)/, 'okta.policies'],
  ];
  for (const [pattern, scope] of areas) if (pattern.test(path)) return `${scope}.${write ? 'manage' : 'read'}`;
  return undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    const value = (getter as (n: string) => string | null).call(headers, name);
    return value ?? undefined;
  }
  const record = headers as Record<string, unknown>;
  const value = record[name] ?? record[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

export function isOktaHttpError(error: unknown): error is OktaErrorLike & Error {
  if (error instanceof HttpStatusError) return true;
  return (
    error instanceof Error &&
    typeof (error as OktaErrorLike).status === 'number' &&
    (error.name === 'OktaApiError' || error.name === 'HttpError')
  );
}

function statusOf(error: unknown): number | undefined {
  return isOktaHttpError(error) ? error.status : undefined;
}

/**
 * Maps an error from an Okta call. `what` says what was being done ("create the app"); `method` helps name the
 * okta.* scope a 403 lacks.
 */
export function mapOktaError(error: unknown, what: string, method = 'GET'): unknown {
  if (error instanceof NetworkError) {
    return new RemoteError(`Could not reach Okta to ${what}: ${error.detail}.`, {
      hint:
        error instanceof RequestTimeoutError
          ? error.hint
          : 'Check the org URL and your network, then run the command again.',
      cause: error,
    });
  }
  if (!isOktaHttpError(error)) return error;
  const status = error.status ?? 0;
  const requestId =
    headerOf(error.headers, 'x-okta-request-id') ?? (error instanceof CliError ? error.requestId : undefined);
  const path = pathOf(error.url);
  const summary = error.errorSummary?.trim() || `HTTP ${status}`;
  const causes = (error.errorCauses ?? []).map((c) => c.errorSummary).filter((s): s is string => Boolean(s));
  const options = (hint: string | undefined) => ({ hint, cause: error, requestId });
  const authenticate = headerOf(error.headers, 'www-authenticate') ?? '';

  if (status === 401) {
    return new AuthError(
      `Okta rejected the credentials while trying to ${what}: the API token is invalid or expired.`,
      options(
        'Run "okta-m2m login" again (API tokens expire after 30 days unused; an OAuth key may have been removed). ' +
          'When $OKTA_M2M_API_TOKEN is set it is used instead of the keychain: fix or unset it.',
      ),
    );
  }
  if (status === 403) {
    // Okta names the scope it wanted in WWW-Authenticate (scope="okta.apps.read"); else guess from the endpoint.
    const headerScope = /scope="([^"]+)"/.exec(authenticate)?.[1];
    const scope = headerScope ?? requiredScope(method, path);
    if (/insufficient_scope/i.test(authenticate)) {
      return new AuthError(
        `Okta denied the request to ${what}: the credentials lack ${scope ?? 'a scope'}.`,
        options(
          `Grant the scope ${scope ?? 'needed'} to okta-m2m's service app (Okta Admin Console > the app > Okta API Scopes), then run "okta-m2m login --oauth" again.`,
        ),
      );
    }
    if (error.errorCode === 'E0000006') {
      return new AuthError(
        `Okta denied the request to ${what}: ${summary}${scope ? ` (it needs ${scope})` : ''}.`,
        options(
          `With an API token, its admin lacks the rights; with OAuth, okta-m2m's service app needs ${scope ? `the scope ${scope} granted and ` : ''}an admin role that allows it (Okta Admin Console > the app > Admin roles).`,
        ),
      );
    }
    return new AuthError(`Okta denied the request to ${what} (${summary}).`, options(undefined));
  }
  if (status === 404) {
    return new NotFoundError(
      `Okta could not find what was needed to ${what} (${summary}).`,
      options('It may have been deleted outside okta-m2m; run "okta-m2m init" again to recreate it.'),
    );
  }
  if (status === 409) {
    return new ConflictError(`Okta reported a conflict while trying to ${what}: ${summary}`, options(undefined));
  }
  if (status === 400) {
    const detail = causes.length ? `${summary}: ${causes.join('; ')}` : summary;
    return new UsageError(`Okta refused the request to ${what}: ${detail}`, {
      ...options('Check the setup (names, scopes, audience) and try again.'),
    });
  }
  if (status === 429) {
    return new RemoteError(`Okta's rate limit stopped the request to ${what} (${summary}).`, {
      ...options('Wait a minute and run the command again; it resumes where it stopped.'),
      status,
    });
  }
  return new RemoteError(`Okta answered HTTP ${status} while trying to ${what}: ${summary}`, {
    ...options('Run the command again; it resumes where it stopped.'),
    status,
  });
}

/**
 * Whether a create was refused because the name (or label) is already taken: Okta answers 400 E0000001 with a cause
 * such as "An object with this field already exists". Seen when the object was made after our lookup by name, most
 * often by an interrupted run whose create was still being processed by Okta when the process died.
 */
export function isNameTaken(error: unknown): boolean {
  const source = error instanceof CliError && error.cause !== undefined ? error.cause : error;
  if (!isOktaHttpError(source) || source.status !== 400) return false;
  const texts = [source.errorSummary ?? '', ...(source.errorCauses ?? []).map((c) => c.errorSummary ?? '')];
  return texts.some((text) => /already exists/i.test(text));
}

/** Runs an Okta call and maps its errors. */
export async function oktaCall<T>(what: string, method: string, call: () => Promise<T>): Promise<T> {
  return remoteCall(call, (error) => mapOktaError(error, what, method));
}

/** Like oktaCall, but a 404 is `undefined` (the object is gone). */
export async function oktaFind<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  return remoteFind(call, (error) => mapOktaError(error, what, 'GET'), statusOf);
}
