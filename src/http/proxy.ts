import type { Agent } from 'node:http';

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY: the one rule for which requests go through a proxy (our HTTP core and the AWS
 * SDK, src/lambda/aws-clients.ts, both tunnel through https-proxy-agent). The lowercase variable wins, as with curl
 * and undici; an https URL falls back to HTTP_PROXY.
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

const agents = new Map<string, Agent>();

/**
 * The agent that tunnels a request to this URL (CONNECT) through its proxy, or undefined for a direct connection.
 * https-proxy-agent is loaded only when a proxy is set: most runs never pay for it. One agent per proxy.
 */
export async function proxyAgentFor(url: URL, env: NodeJS.ProcessEnv): Promise<Agent | undefined> {
  if (!proxyConfigured(env)) return undefined;
  const proxy = proxyFor(url, env);
  if (!proxy) return undefined;
  let agent = agents.get(proxy);
  if (!agent) {
    const { HttpsProxyAgent } = await import('https-proxy-agent');
    agent = agents.get(proxy) ?? new HttpsProxyAgent(proxy, { keepAlive: true });
    agents.set(proxy, agent);
  }
  return agent;
}
