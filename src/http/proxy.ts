import type { FetchLike } from './client.js';

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, through undici's EnvHttpProxyAgent (and undici's own fetch, so the agent and
 * the fetch are the same version). Loaded only when a proxy is set: most runs never pay for it.
 */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]?.trim()));
}

export async function proxyFetch(env: NodeJS.ProcessEnv): Promise<FetchLike | undefined> {
  if (!proxyConfigured(env)) return undefined;
  const undici = await import('undici');
  const pick = (upper: string, lower: string) => env[lower]?.trim() || env[upper]?.trim() || undefined;
  const httpsProxy = pick('HTTPS_PROXY', 'https_proxy');
  const httpProxy = pick('HTTP_PROXY', 'http_proxy');
  const noProxy = pick('NO_PROXY', 'no_proxy');
  const agent = new undici.EnvHttpProxyAgent({
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  });
  return (input: string | URL, init?: RequestInit) => undici.fetch(input, { ...(init as object), dispatcher: agent });
}
