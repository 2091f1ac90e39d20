import { randomBytes } from 'node:crypto';
import { UsageError, ConflictError, AuthError } from '../errors.js';
import type { OktaClient } from '../okta/client.js';
import type { OktaState } from '../okta/setup/state.js';
import { probeToken } from '../oauth/probe.js';
import type { ProjectState } from '../config/state.js';
import { secretRefs } from '../secrets/refs.js';
import type { SecretStore } from '../secrets/store.js';
import { createSecret, listSecrets, retire } from './okta-credentials.js';
import { nextRef, previousRef } from './refs.js';
import { RotationRecorder, readRotation, type SecretRotation } from './state.js';
import type { RotationEvent, RotationOptions, RotationPlan, RotationResult } from './types.js';
import { verifyWithRetries, waitGrace } from './steps.js';

interface SecretRotationInput {
  client: OktaClient;
  secrets: SecretStore;
  state: ProjectState;
  profile: string;
  setup: OktaState;
  /** Derived from the profile's org and the setup's authorization server, never taken from the state file. */
  tokenEndpoint: string;
}

/** A client secret: 64 characters of base64url (Okta takes 14 to 100 printable ASCII). */
function newSecretValue(): string {
  return randomBytes(48).toString('base64url');
}

/** What a run will do: read-only (one list call), for the plan shown before any write. */
export async function planSecretRotation(
  input: SecretRotationInput,
  options: Pick<RotationOptions, 'finish' | 'graceMs'>,
): Promise<RotationPlan> {
  const { setup } = input;
  if (!setup.appId || !setup.clientId)
    throw new UsageError('init has not made an app here yet.', { hint: 'Run "okta-m2m init" first.' });
  if (setup.authMethod === 'private_key_jwt') {
    throw new UsageError("The setup's app authenticates with a private key, not a client secret.", {
      hint: 'Run "okta-m2m rotate key" instead.',
    });
  }
  const inProgress = readRotation(input.state, input.profile);
  if (inProgress && inProgress.kind !== 'secret') {
    throw new ConflictError(`A key rotation is in progress for profile "${input.profile}".`, {
      hint: 'Finish it first: okta-m2m rotate key --finish.',
    });
  }
  const existing = await listSecrets(input.client, setup.appId);
  const ending = options.finish || options.graceMs !== undefined;
  if (inProgress) {
    const steps = [`resume the rotation started ${inProgress.startedAt} (at step "${inProgress.step}")`];
    if (inProgress.step === 'started')
      steps.push('add the new client secret to the app (if Okta does not have it yet)');
    if (inProgress.step !== 'switched' && inProgress.step !== 'finishing')
      steps.push('verify a token with it and switch the keychain to it');
    if (ending) steps.push(`deactivate and delete the old client secret ${inProgress.oldSecretId}`);
    return {
      resume: true,
      steps,
      writes: ending || inProgress.step !== 'switched',
      credentials: existing.map(describeSecret),
    };
  }
  if (existing.length !== 1 || !existing[0]?.id) {
    throw new ConflictError(`The app has ${existing.length} client secrets; a rotation starts from one.`, {
      hint: 'Okta keeps at most two. Delete the one no consumer uses (Admin Console, or the Apps API), then run this again.',
    });
  }
  const steps = [
    `add a second client secret to app ${setup.appId} and keep it in the keychain beside the first`,
    'verify a token with it, then switch the keychain to it (token get uses it from then on)',
    ending
      ? `${options.graceMs ? `after a grace period of ${Math.round(options.graceMs / 1000)} s, ` : ''}deactivate and delete the old client secret ${existing[0].id}`
      : 'leave the old secret active until "okta-m2m rotate secret --finish"',
  ];
  return { resume: false, steps, writes: true, credentials: existing.map(describeSecret) };
}

function describeSecret(secret: { id?: string; status?: string; created?: string }) {
  return { id: secret.id ?? '?', status: secret.status ?? '?', ...(secret.created ? { created: secret.created } : {}) };
}

/**
 * Rotates the setup's client secret without downtime: a second secret is added (both work), verified and made the
 * keychain's main entry; the old one is deactivated and deleted on --finish (or after --grace). Every step is
 * recorded first, so a run interrupted anywhere resumes and never makes a third secret: the new value is in the
 * keychain before Okta has it, and a re-run finds it on Okta instead of making another.
 */
export async function rotateSecret(
  input: SecretRotationInput,
  options: RotationOptions,
  report: (event: RotationEvent) => void,
): Promise<RotationResult> {
  const { client, secrets, state, profile, setup } = input;
  const appId = setup.appId as string;
  const clientId = setup.clientId as string;
  const main = secretRefs.clientSecret(profile, clientId);
  const next = nextRef(main);
  const previous = previousRef(main);

  let recorded = readRotation(state, profile) as SecretRotation | undefined;
  if (!recorded) {
    const [old] = await listSecrets(client, appId);
    if (!old?.id) throw new ConflictError('The app has no client secret to rotate.');
    const current = await secrets.get(main);
    if (!current)
      throw new AuthError(`${main.label} is not in the keychain.`, { hint: 'Run "okta-m2m init" again to store one.' });
    await secrets.set(next, newSecretValue());
    recorded = {
      kind: 'secret',
      provider: 'okta',
      step: 'started',
      appId,
      clientId,
      oldSecretId: old.id,
      startedAt: options.now().toISOString(),
      ...(old.created ? { oldCreated: old.created } : {}),
    };
    await new RotationRecorder(state, profile, recorded).update({});
    report({ step: 'started', message: 'the new secret is in the keychain' });
  }
  const recorder = new RotationRecorder(state, profile, recorded);
  const value = await secrets.get(next);

  if (recorder.current.step === 'started') {
    if (!value) throw lostNewCredential('client secret');
    const onOkta = (await listSecrets(client, appId)).find((s) => s.id && s.id !== recorder.current.oldSecretId);
    const created = onOkta ?? (await createSecret(client, appId, value));
    await recorder.update({ step: 'created', ...(created.id ? { newSecretId: created.id } : {}) });
    report({
      step: 'created',
      message: onOkta
        ? `the app has the new secret already (${created.id})`
        : `added the new client secret ${created.id ?? ''} to the app`,
    });
  }

  if (recorder.current.step === 'created') {
    if (!value) throw lostNewCredential('client secret');
    await verifyWithRetries(options, () =>
      probeToken({
        tokenEndpoint: input.tokenEndpoint,
        clientId,
        authMethod: setup.authMethod ?? 'client_secret_basic',
        scopes: setup.scopes ?? [],
        clientSecret: value,
        http: client.http,
      }),
    );
    const current = await secrets.get(main);
    if (current !== value) {
      if (current && (await secrets.get(previous)) === undefined) await secrets.set(previous, current);
      await secrets.set(main, value);
    }
    await recorder.update({ step: 'switched', verifiedAt: options.now().toISOString() });
    report({ step: 'switched', message: 'a token with the new secret works; the keychain uses it now' });
  }

  if (value && recorder.current.step === 'switched') await options.deliver?.(value);

  const ending = options.finish || options.graceMs !== undefined;
  if (!ending && recorder.current.step !== 'finishing') {
    return { finished: false, rotation: recorder.current, ...(value ? { newCredential: value } : {}) };
  }
  if (recorder.current.step === 'switched') {
    await waitGrace(options, report);
    await recorder.update({ step: 'finishing' });
  }
  const removed = await retire(client, appId, 'secrets', recorder.current.oldSecretId);
  report({
    step: 'finishing',
    message: removed
      ? `deactivated and deleted the old client secret ${recorder.current.oldSecretId}`
      : `the old client secret ${recorder.current.oldSecretId} was gone already`,
  });
  await secrets.delete(previous);
  await secrets.delete(next);
  const done = recorder.current;
  await recorder.clear();
  return { finished: true, rotation: done, ...(value ? { newCredential: value } : {}) };
}

export function lostNewCredential(what: string): UsageError {
  return new UsageError(`The new ${what} of the rotation in progress is no longer in the keychain.`, {
    hint: 'Delete the credential the rotation added (Admin Console), remove the "rotation" section of .okta-m2m/state.json, and start again.',
  });
}
