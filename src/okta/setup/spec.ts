import { UsageError } from '../../errors.js';

/**
 * The desired setup `init` makes: one service app, one custom authorization server with its scopes, one access
 * policy and one rule. Also the schema of `okta-m2m.json` (--file).
 */
export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export const AUTH_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export interface ScopeSpec {
  name: string;
  description: string;
  /** Okta grants default scopes when a token request names none. */
  default: boolean;
}

export interface SetupSpec {
  name: string;
  audience: string;
  description: string;
  scopes: ScopeSpec[];
  defaultScope?: string;
  authMethod: AuthMethod;
  tokenLifetimeMinutes: number;
  /** The access policy applies to all clients of the authorization server, not only the app init makes. */
  allClients: boolean;
  /** The app demands DPoP-bound tokens (dpop_bound_access_tokens); absent means off. */
  dpop?: boolean;
}

export const DEFAULT_TOKEN_LIFETIME_MINUTES = 60;
export const SPEC_FILE = 'okta-m2m.json';
/** The OIDC scopes every custom authorization server already has. */
const SYSTEM_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso'];

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:()-]{0,62}[A-Za-z0-9._:()-]$|^[A-Za-z0-9]$/;
const SCOPE = /^[A-Za-z0-9][A-Za-z0-9:._/@-]{0,254}$/;

/** Raw input from flags, the wizard or a file. */
export interface SpecInput {
  name?: unknown;
  audience?: unknown;
  description?: unknown;
  scopes?: unknown;
  defaultScope?: unknown;
  authMethod?: unknown;
  tokenLifetimeMinutes?: unknown;
  allClients?: unknown;
  dpop?: unknown;
}

function str(value: unknown, field: string, source: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UsageError(`${field} in ${source} must be a string.`);
  return value.trim();
}

/** Validates and normalises a setup; every problem is a UsageError that names the field. */
export function validateSpec(input: SpecInput, source = 'the setup'): SetupSpec {
  const name = str(input.name, 'name', source);
  if (!name)
    throw new UsageError(`The setup needs a name (${source}).`, { hint: 'Pass --name, such as --name orders-api.' });
  if (!NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid name.`, {
      hint: 'Use 1 to 64 letters, digits, spaces, ".", "_", ":", "(", ")" or "-", starting with a letter or digit.',
    });
  }
  const audience =
    str(input.audience, 'audience', source) ?? `api://${name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
  if (!audience || /\s/.test(audience) || audience.length > 1024) {
    throw new UsageError(`"${audience}" is not a valid audience.`, {
      hint: 'An audience is a URI without spaces, such as api://orders or https://api.example.com.',
    });
  }
  const description = str(input.description, 'description', source) ?? `M2M access to ${name} (made by okta-m2m)`;
  if (description.length > 255) throw new UsageError('The description is longer than 255 characters.');

  const scopes = parseScopes(input.scopes, source);
  if (scopes.length === 0) {
    throw new UsageError(`The setup needs at least one scope (${source}).`, {
      hint: 'Pass --scope, such as --scope orders:read --scope orders:write.',
    });
  }
  const defaultScope = str(input.defaultScope, 'defaultScope', source) || undefined;
  if (defaultScope !== undefined) {
    const match = scopes.find((s) => s.name === defaultScope);
    if (!match) {
      throw new UsageError(
        `The default scope "${defaultScope}" is not one of the scopes (${scopes.map((s) => s.name).join(', ')}).`,
        {
          hint: 'Name one of the --scope values in --default-scope.',
        },
      );
    }
    match.default = true;
  }

  const authMethod = (str(input.authMethod, 'authMethod', source) ?? 'client_secret_basic') as AuthMethod;
  if (!AUTH_METHODS.includes(authMethod)) {
    throw new UsageError(`"${authMethod}" is not a client authentication method okta-m2m sets up.`, {
      hint: `Choose one of ${AUTH_METHODS.join(', ')}.`,
    });
  }

  const lifetimeRaw = input.tokenLifetimeMinutes ?? DEFAULT_TOKEN_LIFETIME_MINUTES;
  const tokenLifetimeMinutes =
    typeof lifetimeRaw === 'string' && /^\d+$/.test(lifetimeRaw.trim()) ? Number(lifetimeRaw) : lifetimeRaw;
  if (
    typeof tokenLifetimeMinutes !== 'number' ||
    !Number.isInteger(tokenLifetimeMinutes) ||
    tokenLifetimeMinutes < 5 ||
    tokenLifetimeMinutes > 1440
  ) {
    throw new UsageError(
      `The token lifetime "${typeof lifetimeRaw === 'string' ? lifetimeRaw : JSON.stringify(lifetimeRaw)}" is not a whole number of minutes from 5 to 1440.`,
      {
        hint: 'Okta access tokens live 5 minutes to 24 hours; pass --token-lifetime 60 for an hour.',
      },
    );
  }

  const allClientsRaw = input.allClients ?? false;
  if (typeof allClientsRaw !== 'boolean') throw new UsageError(`allClients in ${source} must be true or false.`);

  const dpopRaw = input.dpop ?? false;
  if (typeof dpopRaw !== 'boolean') throw new UsageError(`dpop in ${source} must be true or false.`);

  const spec: SetupSpec = {
    name,
    audience,
    description,
    scopes,
    authMethod,
    tokenLifetimeMinutes,
    allClients: allClientsRaw,
  };
  if (dpopRaw) spec.dpop = true;
  const defaults = scopes.filter((s) => s.default).map((s) => s.name);
  const chosenDefault = defaultScope ?? defaults[0];
  if (chosenDefault) spec.defaultScope = chosenDefault;
  return spec;
}

function parseScopes(raw: unknown, source: string): ScopeSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new UsageError(`scopes in ${source} must be a list.`);
  const seen = new Set<string>();
  const scopes: ScopeSpec[] = [];
  for (const item of raw) {
    let scope: ScopeSpec;
    if (typeof item === 'string') {
      scope = { name: item.trim(), description: '', default: false };
    } else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const name = str(record.name, 'a scope name', source) ?? '';
      const description = str(record.description, `the description of scope ${name}`, source) ?? '';
      const isDefault = record.default ?? false;
      if (typeof isDefault !== 'boolean')
        throw new UsageError(`"default" of scope ${name} in ${source} must be true or false.`);
      scope = { name, description, default: isDefault };
    } else {
      throw new UsageError(`Each scope in ${source} must be a name or an object {name, description, default}.`);
    }
    if (!SCOPE.test(scope.name)) {
      throw new UsageError(`"${scope.name}" is not a valid scope name.`, {
        hint: 'Use letters, digits, ":", ".", "_", "/", "@" or "-" with no spaces, such as orders:read.',
      });
    }
    if (SYSTEM_SCOPES.includes(scope.name) || scope.name.startsWith('okta.')) {
      throw new UsageError(`"${scope.name}" is a scope Okta reserves.`, {
        hint: "Name your API's own scopes, such as orders:read; OIDC and okta.* scopes cannot be made.",
      });
    }
    if (seen.has(scope.name)) throw new UsageError(`The scope "${scope.name}" is listed twice.`);
    seen.add(scope.name);
    if (!scope.description) scope.description = `${scope.name} (okta-m2m)`;
    if (scope.description.length > 255)
      throw new UsageError(`The description of scope ${scope.name} is longer than 255 characters.`);
    scopes.push(scope);
  }
  return scopes;
}

/** The file form: the spec as JSON with a version, written by the wizard and read by --file. */
export function specToFile(spec: SetupSpec): Record<string, unknown> {
  return { version: 1, ...spec };
}

export function specFromFile(raw: unknown, file: string): SetupSpec {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`${file} must hold a JSON object.`, { hint: 'See "okta-m2m init --help" for its fields.' });
  }
  const record = raw as Record<string, unknown>;
  if (record.version !== undefined && record.version !== 1) {
    throw new UsageError(
      `${file} has version ${typeof record.version === 'string' ? record.version : JSON.stringify(record.version)}; this okta-m2m reads version 1.`,
    );
  }
  const known = new Set([
    'version',
    'name',
    'audience',
    'description',
    'scopes',
    'defaultScope',
    'authMethod',
    'tokenLifetimeMinutes',
    'allClients',
    'dpop',
    '$schema',
  ]);
  const unknown = Object.keys(record).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new UsageError(`${file} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`, {
      hint: `Known fields: ${[...known].filter((k) => k !== '$schema').join(', ')}.`,
    });
  }
  return validateSpec(record, file);
}

/** Names of the objects init makes for a setup. Policy and rule live inside the setup's own server. */
export function objectNames(spec: Pick<SetupSpec, 'name'>): {
  app: string;
  authServer: string;
  policy: string;
  rule: string;
} {
  return {
    app: spec.name,
    authServer: spec.name,
    policy: 'okta-m2m client credentials',
    rule: 'okta-m2m client credentials',
  };
}
