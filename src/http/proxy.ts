import type { FetchLike } from './client.js';

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY: the one rule for which requests go through a proxy (our HTTP core through
 * undici's ProxyAgent, the AWS SDK through src/lambda/aws-clients.ts). The lowercase variable wins, as with curl
 * and undici; an https URL falls back to HTTP_PROXY. The agent is loaded only when a proxy is set: most runs never
 * pay for it.
 */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]?.trim()));
}

function variable(env: NodeJS.ProcessEnv, upper: string, lower: string): string | undefined {
  return env[lower]?.trim() || env[upper]?.trim() || undefined;
}

/**
 * Whether NO_PROXY exempts the URL: `*` exempts everything; an entry (comma or space separated, an optional leading
 * `.` or `*.`, an optional `:port`) exempts its host and every subdomain of it. Undici's EnvHttpProxyAgent rule.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  const value = noProxy?.trim() ?? '';
  if (value === '*') return true;
  // url.host keeps the brackets of an IPv6 address, as NO_PROXY entries write it.
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  for (const entry of value.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const host = (parsed ? (parsed[1] ?? '') : entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number.parseInt(parsed[2] ?? '', 10) !== port) continue;
    if (hostname === host || hostname.endsWith(`.${host}`)) return true;
  }
  return false;
}

/** The proxy a request to this URL goes through, or undefined for a direct connection. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  if (bypassesProxy(url, variable(env, 'NO_PROXY', 'no_proxy'))) return undefined;
  const httpProxy = variable(env, 'HTTP_PROXY', 'http_proxy');
  if (url.protocol === 'https:') return variable(env, 'HTTPS_PROXY', 'https_proxy') ?? httpProxy;
  return url.protocol === 'http:' ? httpProxy : undefined;
}

export async function proxyFetch(env: NodeJS.ProcessEnv): Promise<FetchLike | undefined> {
  if (!proxyConfigured(env)) return undefined;
  const undici = await import('undici');
  const agents = new Map<string, InstanceType<typeof undici.ProxyAgent>>();
  const agentFor = (proxy: string) => {
    let agent = agents.get(proxy);
    if (!agent) agents.set(proxy, (agent = new undici.ProxyAgent(proxy)));
    return agent;
  };
  return (input: string | URL, init?: RequestInit) => {
    const proxy = proxyFor(new URL(input), env);
    // undici's own fetch either way, so the agent and the fetch are the same version.
    return undici.fetch(input, { ...(init as object), ...(proxy ? { dispatcher: agentFor(proxy) } : {}) });
  };
}
