/**
 * How a client talks to the Auth0 emulator over plain http with the real auth0 SDK (v7, management API only: v7
 * has no AuthenticationClient, so tokens are asked for over plain HTTP).
 *
 * The SDK builds `https://${domain}/api/v2` itself and takes no base URL; its documented `fetch` option rewrites
 * the origin to the emulator's. A `token` supplier keeps its https-only token provider out of the way.
 */
import { ManagementClient } from 'auth0';
import { startAuth0Emulator, type Auth0Emulator, type Auth0EmulatorOptions } from '../../src/emulator/auth0/index.js';

export class LocalManagementClient extends ManagementClient {
  constructor(options: ManagementClient.ManagementClientOptionsWithToken, emulatorUrl: string) {
    super({ ...options, fetch: rewritingFetch(emulatorUrl) });
  }
}

/** A fetch that sends https://<domain>/... to the emulator's http origin. */
function rewritingFetch(emulatorUrl: string): (url: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return (url, init) => {
    const href = url instanceof Request ? url.url : String(url);
    const target = href.replace(/^https:\/\/[^/]+/, emulatorUrl);
    return url instanceof Request ? fetch(new Request(target, url), init) : fetch(target, init);
  };
}

/** A client-credentials token over plain HTTP, cached as the SDK's own TokenProvider does. */
export function tokenSupplier(
  emu: Auth0Emulator,
  clientId: string,
  clientSecret: string,
  audience: string,
): () => Promise<string> {
  let cached: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (!cached || Date.now() > cached.expiresAt - 10_000) {
      const { status, body } = await postToken(emu, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        audience,
      });
      if (status !== 200) throw new Error(`token request failed: ${status} ${String(body.error)}`);
      cached = { token: body.access_token as string, expiresAt: Date.now() + (body.expires_in as number) * 1000 };
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
    tokenSupplier(
      emu,
      opts.clientId ?? emu.managementClientId,
      opts.clientSecret ?? emu.managementClientSecret,
      emu.managementAudience,
    );
  return new LocalManagementClient({ domain: emu.domain, token, maxRetries: opts.maxRetries ?? 0 }, emu.url);
}

export async function withEmulator<T>(
  options: Auth0EmulatorOptions,
  fn: (emu: Auth0Emulator) => Promise<T>,
): Promise<T> {
  const emu = await startAuth0Emulator(options);
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

export async function postToken(
  emu: Auth0Emulator,
  body: Record<string, string>,
  init: { form?: boolean; headers?: Record<string, string> } = {},
) {
  const res = await fetch(emu.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': init.form ? 'application/x-www-form-urlencoded' : 'application/json', ...init.headers },
    body: init.form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
