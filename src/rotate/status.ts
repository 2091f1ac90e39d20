import type { OktaClient } from '../okta/client.js';
import { listKeys, listSecrets } from './okta-credentials.js';
import type { Rotation } from './state.js';

export interface RotationStatus {
  kind: Rotation['kind'];
  step: Rotation['step'];
  startedAt: string;
  /** The old and the new credential as Okta has them now, with their age in seconds. */
  credentials: Array<{ role: 'old' | 'new'; id: string; status: string; created?: string; ageSeconds?: number }>;
}

/** The rotation in progress, for `status`: its step and both credentials' ages (one list call). */
export async function rotationStatus(
  client: OktaClient,
  rotation: Rotation,
  now: Date = new Date(),
): Promise<RotationStatus> {
  const oldId = rotation.kind === 'secret' ? rotation.oldSecretId : rotation.oldKeyId;
  const newId = rotation.kind === 'secret' ? rotation.newSecretId : rotation.newKeyId;
  const listed: Array<{ id?: string; status?: string; created?: string }> =
    rotation.kind === 'secret' ? await listSecrets(client, rotation.appId) : await listKeys(client, rotation.appId);
  const credentials = listed
    .filter((c) => c.id && (c.id === oldId || c.id === newId))
    .map((c) => ({
      role: c.id === oldId ? ('old' as const) : ('new' as const),
      id: c.id as string,
      status: c.status ?? '?',
      ...(c.created
        ? { created: c.created, ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(c.created)) / 1000)) }
        : {}),
    }));
  return { kind: rotation.kind, step: rotation.step, startedAt: rotation.startedAt, credentials };
}
