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
  if (isRecord(raw.spec)) out.spec = raw.spec as unknown as SetupSpec;
  return out;
}

/**
 * Keeps the Okta section of the project state: changes are recorded in memory and written one write at a time,
 * once per step of work, and only when something changed since the last write.
 */
export class StateRecorder {
  private chain: Promise<void> = Promise.resolve();
  private saved: string | undefined;

  constructor(
    private readonly state: ProjectState,
    private readonly profile: string,
    public current: OktaState,
  ) {
    this.saved = JSON.stringify(tidy(current));
  }

  /** Records a change and writes the state. */
  update(patch: Partial<OktaState>): Promise<void> {
    this.record(patch);
    return this.save();
  }

  /** Records a change in memory only; the next save() writes it (init writes once at the end of each step). */
  record(patch: Partial<OktaState>): void {
    this.current = tidy({ ...this.current, ...patch });
  }

  /** Writes what is recorded so far. */
  save(): Promise<void> {
    const text = JSON.stringify(this.current);
    if (text === this.saved) return this.chain;
    this.saved = text;
    const snapshot = JSON.parse(text) as OktaState;
    this.chain = this.chain.then(() => this.state.set(this.profile, 'okta', snapshot));
    return this.chain;
  }

  /** Runs one step of work that record()s, and saves once when it ends, whether it succeeded or not. */
  async step<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      await this.save();
    }
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
