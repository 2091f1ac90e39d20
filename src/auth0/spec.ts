import { UsageError } from '../errors.js';
import { isRecord } from '../config/validate.js';
import type { ProjectState } from '../config/state.js';

/**
 * What `auth0 init` sets up: an API (resource server, identifier = audience, with the scopes), a machine-to-machine
 * application (non_interactive, client_credentials), and the client grant that lets the one call the other.
 */
export interface Auth0SetupSpec {
  name: string;
  audience: string;
  scopes: string[];
}

export function validateAuth0Spec(input: { name?: unknown; audience?: unknown; scopes?: unknown }): Auth0SetupSpec {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new UsageError('No name for the setup.', { hint: 'Pass --name, for example --name orders-api.' });
  if (name.length > 128 || /[<>]/.test(name)) {
    throw new UsageError(`"${name}" is not a valid Auth0 application name.`, { hint: 'Use at most 128 characters, without < or >.' });
  }
  const audience = typeof input.audience === 'string' ? input.audience.trim() : '';
  if (!audience) throw new UsageError('No audience.', { hint: 'Pass --audience, the API identifier, for example --audience https://api.example.com/orders.' });
  if (/\s/.test(audience) || audience.length > 600) {
    throw new UsageError(`"${audience}" is not a valid API identifier.`, { hint: 'An identifier has no spaces, for example https://api.example.com/orders.' });
  }
  const rawScopes = Array.isArray(input.scopes) ? input.scopes : [];
  const scopes = [...new Set(rawScopes.map((s) => String(s).trim()).filter(Boolean))];
  for (const scope of scopes) {
    if (/\s/.test(scope) || scope.length > 280) throw new UsageError(`"${scope}" is not a valid scope.`, { hint: 'Scopes have no spaces, for example orders:read.' });
  }
  return { name, audience, scopes };
}

/** Section `auth0` of the project state: what `token get --provider auth0` reads, plus the ids init made. */
export interface Auth0State {
  domain: string;
  baseUrl?: string;
  clientId?: string;
  audience?: string;
  scopes?: string[];
  tokenEndpoint?: string;
  resourceServerId?: string;
  clientGrantId?: string;
  /** Which of them init made (false: found and taken over; destroy leaves those). */
  made?: { resourceServer?: boolean; client?: boolean; clientGrant?: boolean };
  spec?: Auth0SetupSpec;
}

export function readAuth0State(state: ProjectState, profile: string): Auth0State | undefined {
  const raw = state.get(profile, 'auth0');
  if (!isRecord(raw) || typeof raw.domain !== 'string') return undefined;
  const out: Auth0State = { domain: raw.domain };
  for (const key of ['baseUrl', 'clientId', 'audience', 'tokenEndpoint', 'resourceServerId', 'clientGrantId'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && value) out[key] = value;
  }
  if (Array.isArray(raw.scopes)) out.scopes = raw.scopes.filter((s): s is string => typeof s === 'string');
  if (isRecord(raw.made)) {
    const made: NonNullable<Auth0State['made']> = {};
    for (const key of ['resourceServer', 'client', 'clientGrant'] as const) if (typeof raw.made[key] === 'boolean') made[key] = raw.made[key] as boolean;
    out.made = made;
  }
  if (isRecord(raw.spec)) {
    try {
      out.spec = validateAuth0Spec(raw.spec);
    } catch {
      // A damaged spec is ignored: flags give it again.
    }
  }
  return out;
}

/** Writes the section after each change, one write at a time. */
export class Auth0StateRecorder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: ProjectState,
    private readonly profile: string,
    public current: Auth0State,
  ) {}

  update(patch: Partial<Auth0State>): Promise<void> {
    const next = { ...this.current, ...patch } as Record<string, unknown>;
    for (const [key, value] of Object.entries(next)) if (value === undefined) delete next[key];
    this.current = next as unknown as Auth0State;
    const snapshot = JSON.parse(JSON.stringify(this.current)) as Auth0State;
    this.chain = this.chain.then(() => this.state.set(this.profile, 'auth0', snapshot));
    return this.chain;
  }

  clear(): Promise<void> {
    this.chain = this.chain.then(() => this.state.set(this.profile, 'auth0', undefined));
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}
