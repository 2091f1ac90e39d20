import { secretRefs } from '../../secrets/refs.js';
import type { SecretStore } from '../../secrets/store.js';
import type { OktaClient } from '../client.js';
import { probeToken, type ProbeResult } from '../../oauth/probe.js';
import type { DpopProver } from '../../oauth/dpop.js';
import { describeChange } from '../../reconcile/plan.js';
import { computePlan, type PlanItem } from './plan.js';
import { observe, type CredentialLookup, type ObserveOptions } from './observe.js';
import type { Rotation } from '../../rotate/state.js';
import { publicJwkOf } from '../keys.js';
import { getInlineHook, hookIsMarked, ruleHookId } from '../resources/inline-hooks.js';
import { nextRef, previousRef } from '../../rotate/refs.js';
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

/** The token inline hook on the setup's rule (`actions.token.inlineHook.id`), if one is attached. */
export interface AttachedHook {
  id: string;
  /** null when the rule names a hook that no longer exists. */
  name: string | null;
  status: string | null;
  /** okta-m2m's marker is on it (hook deploy and hook serve --register make hooks with it). */
  madeByOktaM2m: boolean;
  /** The project state records it (hook deploy); a hook serve --register that was killed leaves one unrecorded. */
  recorded: boolean;
}

export interface SetupStatus {
  complete: boolean;
  objects: ObjectStatus[];
  drift: boolean;
  inlineHook: AttachedHook | null;
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
    async secretValues(clientId, rotating) {
      const main = secretRefs.clientSecret(profile, clientId);
      // A rotation's entries only while one is recorded (each keychain entry costs a connection). The main entry may
      // come from OKTA_M2M_CLIENT_SECRET where no keychain can be reached: a rotation's entries are then unreadable,
      // and its state (ObserveOptions.secretRotation) keeps its secrets out of the orphans.
      const values = await Promise.all([
        secrets.get(main),
        ...(rotating ? [nextRef(main), previousRef(main)] : []).map((ref) => secrets.get(ref).catch(() => undefined)),
      ]);
      return values.filter((v): v is string => typeof v === 'string' && v !== '');
    },
  };
}

/** The client secret rotation in progress (src/rotate's state), as observe needs it to leave its secrets alone. */
export function secretRotationOf(rotation: Rotation | undefined): ObserveOptions['secretRotation'] {
  if (rotation?.kind !== 'secret') return undefined;
  const secretIds = [rotation.oldSecretId, ...(rotation.newSecretId ? [rotation.newSecretId] : [])];
  return { appId: rotation.appId, secretIds, complete: rotation.newSecretId !== undefined };
}

export async function setupStatus(
  client: OktaClient,
  state: OktaState,
  secrets: SecretStore,
  profile: string,
  options: { mint?: boolean; rotation?: Rotation | undefined; recordedHookIds?: readonly string[] } = {},
): Promise<SetupStatus> {
  let spec: SetupSpec | undefined;
  try {
    spec = state.spec ? validateSpec(state.spec, 'the project state') : undefined;
  } catch {
    spec = undefined;
  }
  const objects: ObjectStatus[] = [];
  let inlineHook: AttachedHook | null = null;
  if (spec) {
    const observed = await observe(client, spec, state, credentialLookup(secrets, profile), {
      secretRotation: secretRotationOf(options.rotation),
    });
    const hookId = ruleHookId(observed.rule);
    if (hookId) inlineHook = await attachedHook(client, hookId, options.recordedHookIds ?? []);
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
  return { complete, objects, drift: objects.some((o) => o.status !== 'ok'), inlineHook, token };
}

async function attachedHook(client: OktaClient, id: string, recordedIds: readonly string[]): Promise<AttachedHook> {
  const hook = await getInlineHook(client, id);
  return {
    id,
    name: hook?.name ?? null,
    status: hook ? (hook.status ?? null) : 'missing',
    madeByOktaM2m: hook ? hookIsMarked(hook) : false,
    recorded: recordedIds.includes(id),
  };
}

/** The client's DPoP key when the keychain has one, else a throwaway key: status only checks a token can be had. */
async function probeDpopKey(secrets: SecretStore, profile: string, clientId: string): Promise<DpopProver> {
  const { dpopKeyFrom, generateDpopPrivateKey, loadDpopKey } = await import('../../oauth/dpop-keys.js');
  const stored = await loadDpopKey(secrets, secretRefs.dpopKey(profile, clientId)).catch(() => undefined);
  return (stored ?? (await dpopKeyFrom(generateDpopPrivateKey()))).prover;
}
