import { StateSectionRecorder } from '../../reconcile/state-section.js';
import type { ProjectState } from '../../config/state.js';
import { isRecord } from '../../config/validate.js';
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

/** The okta section's recorder (see StateSectionRecorder). */
export class StateRecorder extends StateSectionRecorder<OktaState> {
  constructor(state: ProjectState, profile: string, current: OktaState) {
    super(state, profile, 'okta', current);
  }
}

export function issuerFor(orgUrl: string, authServerId: string): string {
  return `${orgUrl}/oauth2/${authServerId}`;
}
