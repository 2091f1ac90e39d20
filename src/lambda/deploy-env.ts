import { UsageError } from '../errors.js';
import type { OktaState } from '../okta/setup/state.js';
import { carryClaimProblem } from './carry-claims.js';

/**
 * The function's environment for each template. Precedence, per variable: a flag, else what the deployed function
 * already has, else a default from the project state (what `init` made). So a re-deploy without flags changes
 * nothing, and `--env NAME=` (empty) removes a variable. HOOK_SECRET is handled by deploy (keychain), never here.
 */
import { type DeployTemplate } from './names.js';

export { type DeployTemplate };

export interface TemplateOptions {
  // token-hook
  issuer?: string | undefined;
  audience?: string[] | undefined;
  jwksUrl?: string | undefined;
  /** POLICY as JSON text (from --policy-file). */
  policy?: string | undefined;
  carryClaims?: string[] | undefined;
  // scim-bridge
  allowedHosts?: string[] | undefined;
  allowedTokenHosts?: string[] | undefined;
  /** Extra variables (--env NAME=VALUE); an empty value removes the variable. */
  env?: Record<string, string> | undefined;
}

interface ResolvedEnvironment {
  /** Without HOOK_SECRET. */
  env: Record<string, string>;
  /** Where each managed variable came from, for the plan. */
  sources: Record<string, 'flag' | 'function' | 'state'>;
}

export const SECRET_VARIABLE = 'HOOK_SECRET';
/** The templates' dev/test switch for plain http on loopback: never on a deployed function. */
const INSECURE_LOOPBACK_VARIABLE = 'ALLOW_INSECURE_LOOPBACK';
const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/;

/**
 * `--env NAME=VALUE` pairs; a usage error for anything else. HOOK_SECRET is refused where okta-m2m manages it
 * (deploy, serve --register); `secret: 'allow'` takes it as the user's own value (serve without --register).
 */
export function parseEnvPairs(
  pairs: string[] | undefined,
  secret: 'allow' | { hint: string } = { hint: 'Use --rotate-secret for a new one.' },
  purpose: 'deploy' | 'serve' = 'serve',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? '' : pair.slice(0, eq);
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`"${pair.split('=')[0]}" is not NAME=VALUE with a valid variable name.`, {
        hint: 'Give --env NAME=VALUE (letters, digits and _; an empty VALUE removes the variable).',
      });
    }
    if (name === SECRET_VARIABLE && secret !== 'allow') {
      throw new UsageError(`${SECRET_VARIABLE} is managed by okta-m2m here.`, { hint: secret.hint });
    }
    out[name] = pair.slice(eq + 1);
  }
  if (purpose === 'deploy' && out[INSECURE_LOOPBACK_VARIABLE]) refuseInsecureLoopback();
  if (out.CARRY_CLAIMS)
    checkCarryClaims(
      out.CARRY_CLAIMS.split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      '--env CARRY_CLAIMS',
    );
  return out;
}

function refuseInsecureLoopback(): never {
  throw new UsageError(`${INSECURE_LOOPBACK_VARIABLE} is for local tests only; a deployed function must not have it.`, {
    hint: `Drop --env ${INSECURE_LOOPBACK_VARIABLE}=... (a function that has it already: --env ${INSECURE_LOOPBACK_VARIABLE}= removes it).`,
  });
}

/** A usage error for the first claim name the token hook could not carry (the template's own rule). */
export function checkCarryClaims(names: readonly string[], flag = '--carry-claim'): void {
  for (const name of names) {
    const problem = carryClaimProblem(name);
    if (problem) {
      throw new UsageError(`${flag} "${name}" cannot be carried: ${problem}.`, {
        hint: 'Carry your own claims (such as tenant or department); Okta sets the reserved ones itself.',
      });
    }
  }
}

function normalizeHosts(hosts: string[], flag: string): string[] {
  const out: string[] = [];
  for (const raw of hosts) {
    const host = raw.trim().toLowerCase();
    if (!HOST.test(host)) {
      throw new UsageError(`${flag} "${raw}" is not a host name.`, {
        hint: 'Give the host only, like scim.example.com (or host:port).',
      });
    }
    if (!out.includes(host)) out.push(host);
  }
  return out;
}

/** POLICY must be a JSON object of client id -> list of scopes; returned compact. */
export function normalizePolicy(text: string, source: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON: ${(error as Error).message}`, {
      hint: 'Give {"<client id>": ["scope", ...]}.',
    });
  }
  const valid =
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));
  if (!valid) {
    throw new UsageError(`${source} is not a policy.`, {
      hint: 'A policy is {"<calling client id>": ["scope", ...]}; "*" as a key matches any client, "*" in a list any scope.',
    });
  }
  return JSON.stringify(parsed);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export function resolveEnvironment(
  template: DeployTemplate,
  current: Record<string, string> | undefined,
  options: TemplateOptions,
  okta: OktaState | undefined,
  purpose: 'deploy' | 'serve' = 'deploy',
): ResolvedEnvironment {
  if (options.carryClaims) checkCarryClaims(options.carryClaims);
  const env: Record<string, string> = { ...(current ?? {}) };
  delete env[SECRET_VARIABLE];
  const sources: ResolvedEnvironment['sources'] = {};
  for (const key of Object.keys(env)) sources[key] = 'function';
  const fromState = (key: string, value: string | undefined) => {
    if (value && env[key] === undefined) {
      env[key] = value;
      sources[key] = 'state';
    }
  };
  const fromFlag = (key: string, value: string | undefined) => {
    if (value !== undefined) {
      env[key] = value;
      sources[key] = 'flag';
    }
  };

  if (template === 'token-hook') {
    fromState('ISSUER', okta?.issuer);
    fromState('AUDIENCE', okta?.audience);
    fromFlag('ISSUER', options.issuer?.replace(/\/+$/, ''));
    fromFlag('AUDIENCE', options.audience?.length ? options.audience.join(',') : undefined);
    fromFlag('JWKS_URL', options.jwksUrl);
    fromFlag('POLICY', options.policy);
    fromFlag('CARRY_CLAIMS', options.carryClaims ? options.carryClaims.join(',') : undefined);
  } else {
    const allowed = options.allowedHosts?.length ? normalizeHosts(options.allowedHosts, '--allowed-host') : undefined;
    const tokenHosts = options.allowedTokenHosts?.length
      ? normalizeHosts(options.allowedTokenHosts, '--allowed-token-host')
      : undefined;
    fromFlag('ALLOWED_HOSTS', allowed?.join(','));
    // The bridge token's token URL is usually the org's (what init made); other hosts by flag. The org's host, not
    // a recorded tokenEndpoint's: the state is data and must not add a host to the token allowlist.
    const oktaHost = hostOf(okta?.orgUrl);
    if (!tokenHosts && oktaHost && env.ALLOWED_TOKEN_HOSTS === undefined) {
      const hosts = (env.ALLOWED_HOSTS ?? '').split(',').filter(Boolean);
      if (!hosts.includes(oktaHost)) fromState('ALLOWED_TOKEN_HOSTS', [...hosts, oktaHost].join(','));
    }
    fromFlag('ALLOWED_TOKEN_HOSTS', tokenHosts?.join(','));
  }

  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === '') {
      delete env[key];
      delete sources[key];
    } else fromFlag(key, value);
  }

  if (template === 'token-hook' && options.jwksUrl === undefined && options.env?.JWKS_URL === undefined) {
    // Decided on the effective ISSUER (after --issuer and --env): keys that belonged to another issuer go; Okta's
    // custom authorization servers publish theirs at {issuer}/v1/keys, and naming it skips discovery within
    // Okta's 3 s. Other issuers: discovery.
    if (current?.ISSUER !== undefined && current.ISSUER !== env.ISSUER) {
      delete env.JWKS_URL;
      delete sources.JWKS_URL;
    }
    if (okta?.issuer && env.ISSUER === okta.issuer) fromState('JWKS_URL', `${okta.issuer}/v1/keys`);
  }

  const required =
    template === 'token-hook'
      ? ([
          ['ISSUER', '--issuer (or run "okta-m2m init" here first)'],
          ['AUDIENCE', '--audience (or run "okta-m2m init" here first)'],
          ['POLICY', '--policy-file'],
        ] as const)
      : ([['ALLOWED_HOSTS', '--allowed-host']] as const);
  if (purpose === 'deploy' && env[INSECURE_LOOPBACK_VARIABLE] !== undefined) refuseInsecureLoopback();
  const missing = required.filter(([key]) => !env[key]);
  if (missing.length) {
    throw new UsageError(`The ${template} function needs ${missing.map(([key]) => key).join(', ')}.`, {
      hint:
        `Give ${missing.map(([, flag]) => flag).join(', ')}.` +
        (template === 'token-hook' && missing.some(([k]) => k === 'POLICY')
          ? ' Without a policy the hook denies every token request on the rule it is attached to.'
          : ''),
    });
  }
  return { env, sources };
}
