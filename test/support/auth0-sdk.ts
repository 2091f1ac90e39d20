/**
 * How a client talks to the Auth0 emulator over plain http with the real auth0 SDK v5.
 *
 * The SDK hard-codes `https://${domain}` in both clients, so:
 * - AuthenticationClient: its documented `fetch` option; rewrite the origin to the emulator's.
 * - ManagementClient: give it a `token` supplier (so its https-only token provider is not used) and set the base
 *   URL on the protected, typed `_options` in a subclass constructor, before any resource client is built
 *   (they are built lazily from `_options` on first use).
 */
import { AuthenticationClient, ManagementClient } from 'auth0';
import { startAuth0Emulator, type Auth0Emulator, type Auth0EmulatorOptions } from '../../src/emulator/auth0/index.js';

export class LocalManagementClient extends ManagementClient {
  constructor(options: ConstructorParameters<typeof ManagementClient>[0], baseUrl: string) {
    super(options);
    this._options.baseUrl = baseUrl;
  }
}

/** A fetch that sends https://<domain>/... to the emulator's http origin. */
export function rewritingFetch(emulatorUrl: string): (url: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return (url, init) => {
    const href = url instanceof Request ? url.url : String(url);
    const target = href.replace(/^https:\/\/[^/]+/, emulatorUrl);
    return url instanceof Request ? fetch(new Request(target, url), init) : fetch(target, init);
  };
}

export function authClient(emu: Auth0Emulator, clientId: string, clientSecret: string): AuthenticationClient {
  return new AuthenticationClient({ domain: emu.domain, clientId, clientSecret, fetch: rewritingFetch(emu.url) });
}

/** Token supplier with caching, as the SDK's own TokenProvider does. */
export function tokenSupplier(auth: AuthenticationClient, audience: string): () => Promise<string> {
  let cached: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (!cached || Date.now() > cached.expiresAt - 10_000) {
      const { data } = await auth.oauth.clientCredentialsGrant({ audience });
      cached = { token: data.access_token, expiresAt: Date.now() + data.expires_in * 1000 };
    }
    return cached.token;
  };
}

export function managementClient(
  emu: Auth0Emulator,
  opts: { clientId?: string; clientSecret?: string; token?: string; maxRetries?: number } = {},
): LocalManagementClient {
  const token =
    opts.token ??
    tokenSupplier(authClient(emu, opts.clientId ?? emu.managementClientId, opts.clientSecret ?? emu.managementClientSecret), emu.managementAudience);
  return new LocalManagementClient({ domain: emu.domain, token, maxRetries: opts.maxRetries ?? 0 }, emu.managementBaseUrl);
}

export async function withEmulator<T>(options: Auth0EmulatorOptions, fn: (emu: Auth0Emulator) => Promise<T>): Promise<T> {
  const emu = await startAuth0Emulator(options);
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

export async function postToken(emu: Auth0Emulator, body: Record<string, string>, init: { form?: boolean; headers?: Record<string, string> } = {}) {
  const res = await fetch(emu.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': init.form ? 'application/x-www-form-urlencoded' : 'application/json', ...init.headers },
    body: init.form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
