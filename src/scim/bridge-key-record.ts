import type { JWK } from 'jose';
import type { ProjectState } from '../config/state.js';
import { isRecord } from '../config/validate.js';
import type { BridgeToken } from './bridge-token.js';
import { bridgePublicKey, sealBridgeToken } from './sealed-token.js';

/**
 * The public half of the bridge key that `hook deploy scim-bridge` or `hook serve scim-bridge` made last, in the
 * project state (section `scimBridge`), so that `scim-token encode --seal` can seal to it. Public: no secret here.
 */
interface BridgeKeyRecord {
  kid: string;
  publicJwk: JWK;
  /** Which command made the key, and for which function (deploy). */
  source: 'hook deploy' | 'hook serve';
  functionName?: string;
  region?: string;
  /** Where the private half is: the function's environment, or an AWS Secrets Manager secret (its ARN). */
  privateKeyIn: 'environment' | 'secrets-manager';
  secretArn?: string;
}

export async function writeBridgeKeyRecord(
  state: ProjectState,
  profile: string,
  record: BridgeKeyRecord,
): Promise<void> {
  const before = JSON.stringify(state.get(profile, 'scimBridge') ?? null);
  const next = JSON.parse(JSON.stringify(record)) as BridgeKeyRecord;
  if (JSON.stringify(next) !== before) await state.set(profile, 'scimBridge', next);
}

/** The recorded key, checked (the state is data: a malformed record is none, and the kid is recomputed). */
export async function readBridgeKeyRecord(state: ProjectState, profile: string): Promise<BridgeKeyRecord | undefined> {
  const raw = state.get(profile, 'scimBridge');
  if (!isRecord(raw) || !isRecord(raw.publicJwk)) return undefined;
  let checked: { kid: string; publicJwk: JWK };
  try {
    checked = await bridgePublicKey(raw.publicJwk);
  } catch {
    return undefined;
  }
  const out: BridgeKeyRecord = {
    ...checked,
    source: raw.source === 'hook serve' ? 'hook serve' : 'hook deploy',
    privateKeyIn: raw.privateKeyIn === 'secrets-manager' ? 'secrets-manager' : 'environment',
  };
  if (typeof raw.functionName === 'string') out.functionName = raw.functionName;
  if (typeof raw.region === 'string') out.region = raw.region;
  if (typeof raw.secretArn === 'string') out.secretArn = raw.secretArn;
  return out;
}

/**
 * The sealed bridge token of `credentials` for the bridge whose key the state records (what `rotate secret` prints
 * for the SCIM app after a new secret); undefined when no bridge key is recorded. The kid is for the user to compare.
 */
export async function sealToRecordedBridgeKey(
  state: ProjectState,
  profile: string,
  credentials: BridgeToken,
): Promise<{ token: string; kid: string; record: BridgeKeyRecord } | undefined> {
  const record = await readBridgeKeyRecord(state, profile);
  if (!record) return undefined;
  return { token: await sealBridgeToken(credentials, record.publicJwk), kid: record.kid, record };
}
