import { StateSectionRecorder } from '../../reconcile/state-section.js';
import type { ProjectState } from '../../config/state.js';
import { isRecord, stringFields, stringList } from '../../config/validate.js';
import type { AuthMethod, SetupSpec } from './spec.js';
import type { Adopted } from './ownership.js';

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
  /** Objects taken over with --adopt (not made by okta-m2m): destroy leaves them. */
  adopted?: Adopted;
  /** The marker okta-m2m put on what it made (see ownership.ts). */
  marker?: string;
  /** The app demands DPoP-bound tokens. */
  dpop?: boolean;
  /**
   * The label of an app being created, written before the create and cleared once its credential is kept: a run
   * that finds it set was stopped in between, and the secret Okta made with the app reached no one.
   */
  creatingApp?: string;
}

export function readOktaState(state: ProjectState, profile: string): OktaState | undefined {
  const raw = state.get(profile, 'okta');
  if (!isRecord(raw) || typeof raw.orgUrl !== 'string') return undefined;
  const out: OktaState = {
    orgUrl: raw.orgUrl,
    ...(stringFields(raw, [
      'appId',
      'clientId',
      'authMethod',
      'authServerId',
      'issuer',
      'tokenEndpoint',
      'audience',
      'defaultScope',
      'keyId',
      'policyId',
      'ruleId',
      'creatingApp',
    ]) as Partial<OktaState>),
  };
  const scopes = stringList(raw.scopes);
  if (scopes) out.scopes = scopes;
  if (isRecord(raw.scopeIds)) {
    out.scopeIds = Object.fromEntries(
      Object.entries(raw.scopeIds).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  if (raw.dpop === true) out.dpop = true;
  if (isRecord(raw.spec)) out.spec = raw.spec as unknown as SetupSpec;
  if (typeof raw.marker === 'string') out.marker = raw.marker;
  if (isRecord(raw.adopted)) {
    const adopted: Adopted = {};
    for (const key of ['app', 'authServer', 'policy'] as const) if (raw.adopted[key] === true) adopted[key] = true;
    out.adopted = adopted;
  }
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
