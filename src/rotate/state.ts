import type { ProjectState } from '../config/state.js';
import { isRecord } from '../config/validate.js';

/**
 * Section `rotation` of the project state, per profile: the one credential rotation in progress, step by step, so
 * that an interrupted run resumes where it stopped (and never makes a third secret or key). Never a secret: the new
 * credential waits in the keychain (./refs.ts). This module is the section's one reader and one writer.
 *
 * Steps, in order: `started` (the new credential is in the keychain, not yet on Okta), `created` (Okta has it),
 * `switched` (verified with a token; the keychain's main entry holds it, so `token get` uses it), `finishing` (the
 * old one is being deactivated and deleted). The section is removed when the rotation is finished.
 */
export type RotationStep = 'started' | 'created' | 'switched' | 'finishing';
const STEPS: readonly RotationStep[] = ['started', 'created', 'switched', 'finishing'];

interface RotationBase {
  step: RotationStep;
  appId: string;
  clientId: string;
  /** ISO times: when the rotation began, when the new credential was verified. */
  startedAt: string;
  verifiedAt?: string;
}

export interface SecretRotation extends RotationBase {
  kind: 'secret';
  provider: 'okta';
  oldSecretId: string;
  oldCreated?: string;
  newSecretId?: string;
}

/** `target`: the setup's app (init's) or okta-m2m's own login app (the profile's). */
export interface KeyRotation extends RotationBase {
  kind: 'key';
  target: 'app' | 'login';
  /** Okta's ids of the JWKS entries, and the kids the client assertions carry. */
  oldKeyId: string;
  oldKid: string;
  oldCreated?: string;
  newKid: string;
  newKeyId?: string;
}

export type Rotation = SecretRotation | KeyRotation;

export function readRotation(state: ProjectState, profile: string): Rotation | undefined {
  const raw = state.get(profile, 'rotation');
  if (!isRecord(raw)) return undefined;
  const text = (key: string): string | undefined => {
    const value = raw[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const step = text('step') as RotationStep | undefined;
  const appId = text('appId');
  const clientId = text('clientId');
  const startedAt = text('startedAt');
  if (!step || !STEPS.includes(step) || !appId || !clientId || !startedAt) return undefined;
  const base: RotationBase = { step, appId, clientId, startedAt, ...optional('verifiedAt', text('verifiedAt')) };
  if (raw.kind === 'secret') {
    const oldSecretId = text('oldSecretId');
    if (!oldSecretId) return undefined;
    return {
      ...base,
      kind: 'secret',
      provider: 'okta',
      oldSecretId,
      ...optional('oldCreated', text('oldCreated')),
      ...optional('newSecretId', text('newSecretId')),
    };
  }
  if (raw.kind === 'key') {
    const [oldKeyId, oldKid, newKid] = [text('oldKeyId'), text('oldKid'), text('newKid')];
    const target = raw.target === 'login' ? 'login' : raw.target === 'app' ? 'app' : undefined;
    if (!oldKeyId || !oldKid || !newKid || !target) return undefined;
    return {
      ...base,
      kind: 'key',
      target,
      oldKeyId,
      oldKid,
      newKid,
      ...optional('oldCreated', text('oldCreated')),
      ...optional('newKeyId', text('newKeyId')),
    };
  }
  return undefined;
}

/** Records each step as it is reached (the file is written atomically each time), and clears it at the end. */
export class RotationRecorder<R extends Rotation> {
  constructor(
    private readonly state: ProjectState,
    private readonly profile: string,
    public current: R,
  ) {}

  async update(patch: Partial<R>): Promise<void> {
    this.current = { ...this.current, ...patch };
    await this.state.set(this.profile, 'rotation', JSON.parse(JSON.stringify(this.current)));
  }

  async clear(): Promise<void> {
    await this.state.set(this.profile, 'rotation', undefined);
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
