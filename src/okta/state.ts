import type { ProjectState } from '../config/state.js';
import { isRecord } from '../config/validate.js';
import type { AuthMethod, SetupSpec } from './spec.js';

/**
 * Section `okta` of the project state, per profile: the ids of what init made and what a consumer needs to get a
 * token with no flags (`okta-m2m token get` reads it). Never a secret.
 */
export interface OktaState {
  orgUrl: string;
  appId?: string;
  clientId?: string;
  authMethod?: AuthMethod;
  authServerId?: string;
  issuer?: string;
  tokenEndpoint?: string;
  audience?: string;
  scopes?: string[];
  defaultScope?: string;
  keyId?: string;
  policyId?: string;
  ruleId?: string;
  scopeIds?: Record<string, string>;
  spec?: SetupSpec;
  /** The app demands DPoP-bound tokens. */
  dpop?: boolean;
}

export function readOktaState(state: ProjectState, profile: string): OktaState | undefined {
  const raw = state.get(profile, 'okta');
  if (!isRecord(raw) || typeof raw.orgUrl !== 'string') return undefined;
  const out: OktaState = { orgUrl: raw.orgUrl };
  for (const key of ['appId', 'clientId', 'authMethod', 'authServerId', 'issuer', 'tokenEndpoint', 'audience', 'defaultScope', 'keyId', 'policyId', 'ruleId'] as const) {
    const value = raw[key];
    if (typeof value === 'string' && value) (out as unknown as Record<string, string>)[key] = value;
  }
  if (Array.isArray(raw.scopes)) out.scopes = raw.scopes.filter((s): s is string => typeof s === 'string');
  if (isRecord(raw.scopeIds)) {
    out.scopeIds = Object.fromEntries(Object.entries(raw.scopeIds).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  if (raw.dpop === true) out.dpop = true;
  if (isRecord(raw.spec)) out.spec = raw.spec as unknown as SetupSpec;
  return out;
}

/** Writes the section after each change, one write at a time, so an interrupted run leaves every id it made. */
export class StateRecorder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: ProjectState,
    private readonly profile: string,
    public current: OktaState,
  ) {}

  update(patch: Partial<OktaState>): Promise<void> {
    this.current = tidy({ ...this.current, ...patch });
    const snapshot = JSON.parse(JSON.stringify(this.current)) as OktaState;
    this.chain = this.chain.then(() => this.state.set(this.profile, 'okta', snapshot));
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }
}

function tidy(state: OktaState): OktaState {
  const out = { ...state } as Record<string, unknown>;
  for (const [key, value] of Object.entries(out)) if (value === undefined) delete out[key];
  return out as unknown as OktaState;
}

export function issuerFor(orgUrl: string, authServerId: string): string {
  return `${orgUrl}/oauth2/${authServerId}`;
}
