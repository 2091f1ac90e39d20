import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import type { OktaClient } from '../client.js';
import { probeToken, type ProbeResult } from '../../oauth/probe.js';
import type { DpopProver } from '../../oauth/dpop.js';
import { describeChange } from '../../reconcile/plan.js';
import { computePlan, type PlanItem } from './plan.js';
import { observe, type CredentialLookup } from './observe.js';
import { publicJwkOf } from '../keys.js';
import type { OktaState } from './state.js';
import { validateSpec, type SetupSpec } from './spec.js';

/** What init made, whether it still matches the setup it applied, and whether a token can be had from it. */
interface ObjectStatus {
  kind: PlanItem['kind'];
  name: string;
  id?: string;
  status: 'ok' | 'drifted' | 'missing';
  changes: string[];
}

interface SetupStatus {
  complete: boolean;
  objects: ObjectStatus[];
  drift: boolean;
  /** checked: false when the caller asked for no token (--no-token). */
  token: ProbeResult | { ok: false; error: string } | { checked: false };
}

export function credentialLookup(secrets: SecretStore, profile: string): CredentialLookup {
  return {
    async hasSecret(clientId) {
      return (await secrets.get(secretRefs.clientSecret(profile, clientId))) !== undefined;
    },
    async privateKeyId(clientId) {
      const key = await secrets.get(secretRefs.clientPrivateKey(profile, clientId));
      return key ? (await publicJwkOf(key)).kid : undefined;
    },
  };
}

export async function setupStatus(
  client: OktaClient,
  state: OktaState,
  secrets: SecretStore,
  profile: string,
  options: { mint?: boolean } = {},
): Promise<SetupStatus> {
  let spec: SetupSpec | undefined;
  try {
    spec = state.spec ? validateSpec(state.spec, 'the project state') : undefined;
  } catch {
    spec = undefined;
  }
  const objects: ObjectStatus[] = [];
  if (spec) {
    const observed = await observe(client, spec, state, credentialLookup(secrets, profile));
    const plan = computePlan(spec, observed);
    for (const item of plan.items) {
      const entry: ObjectStatus = {
        kind: item.kind,
        name: item.name,
        status: item.action === 'unchanged' ? 'ok' : item.action === 'create' ? 'missing' : 'drifted',
        changes: [...item.changes.map(describeChange), ...(item.notes ?? [])],
      };
      if (item.id) entry.id = item.id;
      objects.push(entry);
    }
  }
  const complete = Boolean(spec && state.appId && state.authServerId && state.policyId && state.ruleId);
  let token: SetupStatus['token'] =
    options.mint === false ? { checked: false } : { ok: false, error: 'init has not finished' };
  if (complete && state.clientId && state.tokenEndpoint && options.mint !== false) {
    const pkj = state.authMethod === 'private_key_jwt';
    const secret = pkj ? undefined : await secrets.get(secretRefs.clientSecret(profile, state.clientId));
    const key = pkj ? await secrets.get(secretRefs.clientPrivateKey(profile, state.clientId)) : undefined;
    token = await probeToken({
      tokenEndpoint: state.tokenEndpoint,
      clientId: state.clientId,
      authMethod: state.authMethod ?? 'client_secret_basic',
      scopes: state.scopes ?? [],
      ...(secret ? { clientSecret: secret } : {}),
      ...(key ? { privateKey: key } : {}),
      ...(state.keyId ? { keyId: state.keyId } : {}),
      ...(state.dpop ? { dpop: await probeDpopKey(secrets, profile, state.clientId) } : {}),
      // The client's HTTP core: its time limit (--timeout) and retry listener apply to the token request too.
      http: client.http,
    });
  }
  return { complete, objects, drift: objects.some((o) => o.status !== 'ok'), token };
}

/** The client's DPoP key when the keychain has one, else a throwaway key: status only checks a token can be had. */
async function probeDpopKey(secrets: SecretStore, profile: string, clientId: string): Promise<DpopProver> {
  const { dpopKeyFrom, generateDpopPrivateKey, loadDpopKey } = await import('../../oauth/dpop-keys.js');
  const stored = await loadDpopKey(secrets, secretRefs.dpopKey(profile, clientId)).catch(() => undefined);
  return (stored ?? (await dpopKeyFrom(generateDpopPrivateKey()))).prover;
}
