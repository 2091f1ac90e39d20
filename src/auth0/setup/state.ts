import type { ProjectState } from '../../config/state.js';
import { isRecord, stringFields, stringList } from '../../config/validate.js';
import { StateSectionRecorder } from '../../reconcile/state-section.js';
import { validateAuth0Spec, type Auth0SetupSpec } from './spec.js';

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
  /** The client_metadata key okta-m2m marks its application with (see ownership.ts). */
  marker?: string;
}

export function readAuth0State(state: ProjectState, profile: string): Auth0State | undefined {
  const raw = state.get(profile, 'auth0');
  if (!isRecord(raw) || typeof raw.domain !== 'string') return undefined;
  const out: Auth0State = {
    domain: raw.domain,
    ...stringFields(raw, [
      'baseUrl',
      'clientId',
      'audience',
      'tokenEndpoint',
      'resourceServerId',
      'clientGrantId',
      'marker',
    ]),
  };
  const scopes = stringList(raw.scopes);
  if (scopes) out.scopes = scopes;
  if (isRecord(raw.made)) {
    const made: NonNullable<Auth0State['made']> = {};
    for (const key of ['resourceServer', 'client', 'clientGrant'] as const)
      if (typeof raw.made[key] === 'boolean') made[key] = raw.made[key];
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

/** The auth0 section's recorder (see StateSectionRecorder). */
export class Auth0StateRecorder extends StateSectionRecorder<Auth0State> {
  constructor(state: ProjectState, profile: string, current: Auth0State) {
    super(state, profile, 'auth0', current);
  }
}
