import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { ConflictError } from '../errors.js';
import type { OktaClient } from '../okta/client.js';
import { generateClientKeyPair, publicJwkOf } from '../okta/keys.js';
import { probeToken } from '../oauth/probe.js';
import type { ProjectState } from '../config/state.js';
import type { SecretRef } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import { addKey, listKeys, retire, type OktaJwk } from './okta-credentials.js';
import { nextRef, previousRef } from './refs.js';
import { lostNewCredential } from './secret.js';
import { RotationRecorder, readRotation, type KeyRotation } from './state.js';
import { verifyWithRetries, waitGrace } from './steps.js';
import type { RotationEvent, RotationOptions, RotationPlan, RotationResult } from './types.js';

/**
 * What a key rotation works on, for the setup's app (init's; the kid lives in the okta state) or for okta-m2m's own
 * login app (the kid lives in the profile): where the private key is kept, which kid the assertions carry, and how
 * to record a new kid. `reconnect` gives a management client that signs with the current keychain key (after the
 * switch, for the login app).
 */
export interface KeyRotationInput {
  client: OktaClient;
  secrets: SecretStore;
  state: ProjectState;
  profile: string;
  target: 'app' | 'login';
  appId: string;
  clientId: string;
  keyRef: SecretRef;
  /** The kid recorded for the current key (else its RFC 7638 thumbprint). */
  recordedKid: string | undefined;
  setKid: (kid: string) => Promise<void>;
  tokenEndpoint: string;
  scopes: string[];
  reconnect?: () => Promise<OktaClient>;
}

async function currentKid(input: KeyRotationInput): Promise<string> {
  if (input.recordedKid) return input.recordedKid;
  const stored = await input.secrets.require(input.keyRef);
  return (await publicJwkOf(stored)).kid;
}

function findOld(keys: OktaJwk[], kid: string): OktaJwk | undefined {
  return keys.find((k) => k.kid === kid && k.status !== 'INACTIVE');
}

export async function planKeyRotation(
  input: KeyRotationInput,
  options: Pick<RotationOptions, 'finish' | 'graceMs'>,
): Promise<RotationPlan> {
  const inProgress = readRotation(input.state, input.profile);
  if (inProgress && (inProgress.kind !== 'key' || inProgress.target !== input.target)) {
    const what = inProgress.kind === 'secret' ? 'secret' : `key${inProgress.target === 'login' ? ' --login' : ''}`;
    throw new ConflictError(`Another rotation is in progress for profile "${input.profile}".`, {
      hint: `Finish it first: okta-m2m rotate ${what} --finish.`,
    });
  }
  const keys = await listKeys(input.client, input.appId);
  const credentials = keys.map((k) => ({
    id: k.id ?? '?',
    status: k.status ?? '?',
    ...(k.kid ? { kid: k.kid } : {}),
    ...(k.created ? { created: k.created } : {}),
  }));
  const ending = options.finish || options.graceMs !== undefined;
  if (inProgress) {
    const steps = [`resume the rotation started ${inProgress.startedAt} (at step "${inProgress.step}")`];
    if (inProgress.step === 'started')
      steps.push("add the new public key to the app's JWKS (if Okta does not have it yet)");
    if (inProgress.step === 'started' || inProgress.step === 'created')
      steps.push('verify a token with it and switch the keychain to it');
    if (ending) steps.push(`deactivate and delete the old key ${inProgress.oldKid}`);
    return { resume: true, steps, writes: ending || inProgress.step !== 'switched', credentials };
  }
  const kid = await currentKid(input);
  if (!findOld(keys, kid)) {
    throw new ConflictError(`The app ${input.appId} has no active key with kid "${kid}", the key in the keychain.`, {
      hint: "The keychain's key is not the one Okta knows: log in again or run init again before rotating.",
    });
  }
  return {
    resume: false,
    credentials,
    writes: true,
    steps: [
      `generate a new RSA key pair and add its public key to app ${input.appId}'s JWKS`,
      'verify a token signed with it, then switch the keychain (and the recorded kid) to it',
      ending ? `deactivate and delete the old key ${kid}` : 'leave the old key active until "--finish"',
    ],
  };
}

/** A private key (PEM or JWK JSON) as a private JWK carrying `kid`. */
function privateJwk(privateKey: string, kid: string): Record<string, unknown> {
  const trimmed = privateKey.trim();
  const key = trimmed.startsWith('{')
    ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
    : createPrivateKey(trimmed);
  return { ...key.export({ format: 'jwk' }), kid };
}

/**
 * Rotates a private_key_jwt key without downtime: the new public key joins the app's JWKS (both verify), a token
 * signed with the new key is verified, the keychain and the recorded kid switch to it, and on --finish (or after
 * --grace) the old key is deactivated and deleted. The switch passes through a JWK set of both private keys in the
 * keychain (until the old key is retired), so a consumer reading the key and the kid at any moment gets a pair that matches.
 */
export async function rotateKey(
  input: KeyRotationInput,
  options: RotationOptions,
  report: (event: RotationEvent) => void,
): Promise<RotationResult> {
  const { secrets, state, profile, keyRef } = input;
  let client = input.client;
  const next = nextRef(keyRef);
  const previous = previousRef(keyRef);
  let recorded = readRotation(state, profile) as KeyRotation | undefined;
  if (!recorded) {
    const oldKid = await currentKid(input);
    const old = findOld(await listKeys(client, input.appId), oldKid);
    if (!old?.id) throw new ConflictError(`The app has no active key with kid "${oldKid}".`);
    const pair = await generateClientKeyPair();
    await secrets.set(next, pair.privateKeyPem);
    recorded = {
      kind: 'key',
      target: input.target,
      step: 'started',
      appId: input.appId,
      clientId: input.clientId,
      oldKeyId: old.id,
      oldKid,
      newKid: pair.publicJwk.kid,
      startedAt: options.now().toISOString(),
      ...(old.created ? { oldCreated: old.created } : {}),
    };
    await new RotationRecorder(state, profile, recorded).update({});
    report({ step: 'started', message: `generated the new key ${pair.publicJwk.kid}; it is in the keychain` });
  }
  const recorder = new RotationRecorder(state, profile, recorded);
  const newKey = await secrets.get(next);

  if (recorder.current.step === 'started') {
    if (!newKey) throw lostNewCredential('private key');
    const onOkta = (await listKeys(client, input.appId)).find((k) => k.kid === recorder.current.newKid);
    const added = onOkta ?? (await addKey(client, input.appId, await publicJwkOf(newKey, recorder.current.newKid)));
    await recorder.update({ step: 'created', ...(added.id ? { newKeyId: added.id } : {}) });
    report({
      step: 'created',
      message: onOkta
        ? `the app has the new key already (${added.id})`
        : `added the new key to the app's JWKS (${added.id ?? ''})`,
    });
  }

  if (recorder.current.step === 'created') {
    if (!newKey) throw lostNewCredential('private key');
    const { newKid, oldKid } = recorder.current;
    await verifyWithRetries(options, () =>
      probeToken({
        tokenEndpoint: input.tokenEndpoint,
        clientId: input.clientId,
        authMethod: 'private_key_jwt',
        scopes: input.scopes,
        privateKey: newKey,
        keyId: newKid,
        http: client.http,
      }),
    );
    const current = await secrets.get(keyRef);
    if (current !== newKey) {
      const old = current && !current.includes('"keys"') ? current : await secrets.get(previous);
      if (!old) throw lostNewCredential('private key');
      if ((await secrets.get(previous)) === undefined) await secrets.set(previous, old);
      await secrets.set(keyRef, JSON.stringify({ keys: [privateJwk(old, oldKid), privateJwk(newKey, newKid)] }));
    }
    // The set stays until the old key is retired: a consumer that read the old kid a moment ago still finds its key.
    await input.setKid(newKid);
    await recorder.update({ step: 'switched', verifiedAt: options.now().toISOString() });
    report({ step: 'switched', message: `a token signed with the new key works; the keychain uses ${newKid} now` });
  }

  const ending = options.finish || options.graceMs !== undefined;
  if (!ending && recorder.current.step !== 'finishing') return { finished: false, rotation: recorder.current };
  if (recorder.current.step === 'switched') {
    await waitGrace(options, report);
    await recorder.update({ step: 'finishing' });
  }
  await secrets.set(keyRef, newKey ?? (await secrets.require(keyRef)));
  if (input.reconnect) client = await input.reconnect();
  const removed = await retire(client, input.appId, 'jwks', recorder.current.oldKeyId);
  report({
    step: 'finishing',
    message: removed
      ? `deactivated and deleted the old key ${recorder.current.oldKid}`
      : `the old key ${recorder.current.oldKid} was gone already`,
  });
  await secrets.delete(previous);
  await secrets.delete(next);
  const done = recorder.current;
  await recorder.clear();
  return { finished: true, rotation: done };
}
