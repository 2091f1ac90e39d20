import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { JWK } from 'jose';
import { ConflictError, UsageError } from '../errors.js';
import { BridgeTokenError } from '../scim/bridge-token.js';
import { bridgePublicKey, generateBridgeKeyPair, sealedTokenOpener, type BridgeKeyPair } from '../scim/sealed-token.js';
import { registerSecret } from '../secrets/redact.js';
import { awsCall, awsFind } from './aws-clients.js';
import type { BridgeKeyStore } from './names.js';

/**
 * The scim-bridge's key pair, for sealed (version 2) bridge tokens: made once by `hook deploy` (or `hook serve`),
 * kept across re-deploys, replaced with --rotate-bridge-key. The private half lives only with the bridge: in the
 * function's environment (BRIDGE_PRIVATE_KEY), or in an AWS Secrets Manager secret okta-m2m creates and tags
 * (BRIDGE_PRIVATE_KEY_SECRET_ID names it; the function's role may read that one secret). The public half goes to
 * the project state for `scim-token encode --seal`. Never printed, never in a file.
 */
const PRIVATE_KEY_VARIABLE = 'BRIDGE_PRIVATE_KEY';
export const PRIVATE_KEY_SECRET_VARIABLE = 'BRIDGE_PRIVATE_KEY_SECRET_ID';
export { type BridgeKeyStore } from './names.js';
/** The inline policy on a role okta-m2m manages that lets the function read its key secret. */
const KEY_POLICY_NAME = 'okta-m2m-bridge-key';

interface BridgeKeyRequest {
  store: BridgeKeyStore;
  rotate: boolean;
  functionName: string;
  region: string;
  /** The deployed function's environment, if it exists. */
  current: Record<string, string> | undefined;
  /** The Secrets Manager client (made only for the secrets-manager store). */
  secretsManager: () => Promise<SecretsManagerClient>;
}

export interface BridgeKeyPlan {
  store: BridgeKeyStore;
  kid: string;
  publicJwk: JWK;
  /** 'function': the deployed function's key, kept; 'secret': the Secrets Manager secret's, kept; 'new': made now. */
  source: 'function' | 'secret' | 'new';
  /** What the function's environment gets (the secret id is known after apply when the secret is new). */
  env: Record<string, string>;
  /** secrets-manager: the secret (its name or ARN), to create (new) or write (rotated) at apply with this value. */
  secret?: { id: string; arn?: string | undefined; write?: 'create' | 'put' | undefined; value?: string | undefined };
  changes: string[];
}

function defaultKeySecretName(functionName: string): string {
  return `okta-m2m/${functionName}/bridge-key`;
}

/** The variables okta-m2m manages for the key; a usage error when --env names one. */
export function refuseManagedKeyVariables(env: Record<string, string> | undefined): void {
  for (const name of [PRIVATE_KEY_VARIABLE, PRIVATE_KEY_SECRET_VARIABLE]) {
    if (env && name in env) {
      throw new UsageError(`${name} is managed by okta-m2m.`, {
        hint: 'Use --bridge-key environment|secrets-manager, and --rotate-bridge-key for a new key.',
      });
    }
  }
}

export async function planBridgeKey(request: BridgeKeyRequest): Promise<BridgeKeyPlan> {
  const deployed = request.current?.[PRIVATE_KEY_VARIABLE];
  if (deployed) registerPrivateKey(deployed);
  if (request.store === 'environment') {
    if (deployed && !request.rotate) {
      const { kid, publicJwk } = await keyOf(deployed, `the function's ${PRIVATE_KEY_VARIABLE}`);
      return {
        store: 'environment',
        kid,
        publicJwk,
        source: 'function',
        env: { [PRIVATE_KEY_VARIABLE]: deployed },
        changes: ["kept: the function's key"],
      };
    }
    return newKeyPlan('environment', (privateJwk) => ({
      env: { [PRIVATE_KEY_VARIABLE]: privateJwk },
      change: `${request.rotate ? 'rotated: ' : ''}a new P-256 key pair, the private half in the function's environment`,
    }));
  }

  // Secrets Manager: the function's recorded secret, else okta-m2m's default name for this function.
  const id = request.current?.[PRIVATE_KEY_SECRET_VARIABLE] || defaultKeySecretName(request.functionName);
  const sm = await request.secretsManager();
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const described = await awsFind('read the bridge key secret', () =>
    sm.send(new sdk.DescribeSecretCommand({ SecretId: id })),
  );
  if (!described) {
    return newKeyPlan('secrets-manager', (value) => ({
      env: {},
      secret: { id, write: 'create', value },
      change: `a new P-256 key pair, the private half in the new secret ${id}`,
    }));
  }
  const ours = (described.Tags ?? []).some((t) => t.Key === 'managed-by' && t.Value === 'okta-m2m');
  const arn = described.ARN ?? id;
  if (request.rotate) {
    if (!ours) {
      throw new ConflictError(`The secret ${id} was not made by okta-m2m: it is not rotated.`, {
        hint: 'Rotate it yourself, or remove BRIDGE_PRIVATE_KEY_SECRET_ID from the function to have okta-m2m make its own.',
      });
    }
    return newKeyPlan('secrets-manager', (value) => ({
      env: { [PRIVATE_KEY_SECRET_VARIABLE]: arn },
      secret: { id, arn, write: 'put', value },
      change: `rotated: a new P-256 key pair in the secret ${arn}`,
    }));
  }
  if (!ours && request.current?.[PRIVATE_KEY_SECRET_VARIABLE] !== id) {
    throw new ConflictError(`A secret named ${id} exists and was not made by okta-m2m.`, {
      hint: 'Delete or rename it, or deploy with another --function-name.',
    });
  }
  const value = await awsCall('read the bridge key secret', () =>
    sm.send(new sdk.GetSecretValueCommand({ SecretId: arn })),
  );
  if (typeof value.SecretString !== 'string')
    throw new ConflictError(`The secret ${arn} holds no bridge key (no SecretString).`);
  registerPrivateKey(value.SecretString);
  const { kid, publicJwk } = await keyOf(value.SecretString, `the secret ${arn}`);
  return {
    store: 'secrets-manager',
    kid,
    publicJwk,
    source: 'secret',
    env: { [PRIVATE_KEY_SECRET_VARIABLE]: arn },
    secret: { id, arn },
    changes: [`kept: the key in the secret ${arn}`],
  };
}

/** The environment the function gets: the plan's, and neither variable of the other store. */
export function keyEnvironment(environment: Record<string, string>, plan: BridgeKeyPlan): Record<string, string> {
  const out = { ...environment };
  delete out[PRIVATE_KEY_VARIABLE];
  delete out[PRIVATE_KEY_SECRET_VARIABLE];
  return { ...out, ...plan.env };
}

/**
 * Writes the key secret the plan needs (created tagged, or a new version) and, on a role okta-m2m manages, the
 * inline policy that lets the function read it. Returns the environment's secret variable.
 */
export async function applyBridgeKey(
  plan: BridgeKeyPlan,
  request: Pick<BridgeKeyRequest, 'functionName' | 'secretsManager'>,
  role: {
    name: string;
    managed: boolean;
    iam: { send(command: unknown): Promise<unknown> };
    PutRolePolicyCommand: new (input: { RoleName: string; PolicyName: string; PolicyDocument: string }) => unknown;
  },
  progress: (message: string) => void,
): Promise<Record<string, string>> {
  if (!plan.secret) return plan.env;
  let arn = plan.secret.arn;
  if (plan.secret.write) {
    const sm = await request.secretsManager();
    const sdk = await import('@aws-sdk/client-secrets-manager');
    const value = plan.secret.value as string;
    if (plan.secret.write === 'create') {
      progress(`creating the secret ${plan.secret.id} for the bridge key`);
      const created = await awsCall('create the bridge key secret', () =>
        sm.send(
          new sdk.CreateSecretCommand({
            Name: plan.secret!.id,
            Description: `okta-m2m: the private key of the SCIM bridge ${request.functionName} (opens sealed bridge tokens)`,
            SecretString: value,
            Tags: [
              { Key: 'managed-by', Value: 'okta-m2m' },
              { Key: 'okta-m2m:function', Value: request.functionName },
            ],
          }),
        ),
      );
      arn = created.ARN ?? plan.secret.id;
    } else {
      progress(`writing a new bridge key to the secret ${plan.secret.id}`);
      await awsCall('write the bridge key secret', () =>
        sm.send(new sdk.PutSecretValueCommand({ SecretId: arn ?? plan.secret!.id, SecretString: value })),
      );
    }
  }
  const secretArn = arn ?? plan.secret.id;
  if (role.managed) {
    await awsCall('let the function read its key secret', () =>
      role.iam.send(
        new role.PutRolePolicyCommand({
          RoleName: role.name,
          PolicyName: KEY_POLICY_NAME,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn }],
          }),
        }),
      ),
    );
  } else {
    progress(`the role is not okta-m2m's: grant it secretsmanager:GetSecretValue on ${secretArn}`);
  }
  return { [PRIVATE_KEY_SECRET_VARIABLE]: secretArn };
}

/**
 * `hook serve scim-bridge`: the key the served bridge gets, a new one each run unless --env gave
 * BRIDGE_PRIVATE_KEY (then its public half). The environment comes back with the key in it.
 */
export async function servedBridgeKey(
  env: Record<string, string>,
): Promise<{ env: Record<string, string>; kid: string; publicJwk: JWK }> {
  if (env[PRIVATE_KEY_SECRET_VARIABLE]) {
    throw new UsageError(`hook serve does not read AWS Secrets Manager: drop --env ${PRIVATE_KEY_SECRET_VARIABLE}.`, {
      hint: `Give --env ${PRIVATE_KEY_VARIABLE}=<private JWK>, or nothing for a new key.`,
    });
  }
  const given = env[PRIVATE_KEY_VARIABLE];
  if (given) {
    registerPrivateKey(given);
    try {
      await sealedTokenOpener(given);
      return { env, ...(await bridgePublicKey(given)) };
    } catch (error) {
      if (error instanceof BridgeTokenError)
        throw new UsageError(`--env ${PRIVATE_KEY_VARIABLE}: ${error.message}.`, {
          hint: 'Leave it out for a new key.',
        });
      throw error;
    }
  }
  const pair = await newPair();
  return {
    env: { ...env, [PRIVATE_KEY_VARIABLE]: JSON.stringify(pair.privateJwk) },
    kid: pair.kid,
    publicJwk: pair.publicJwk,
  };
}

/**
 * `hook remove`: the key secret to delete, when the function names one okta-m2m made for it (tagged so); a note
 * when it names one okta-m2m did not make (kept).
 */
export async function keySecretToRemove(
  current: Record<string, string> | undefined,
  functionName: string,
  secretsManager: () => Promise<SecretsManagerClient>,
): Promise<{ arn: string; ours: boolean } | undefined> {
  const id = current?.[PRIVATE_KEY_SECRET_VARIABLE];
  if (!id) return undefined;
  const sm = await secretsManager();
  const sdk = await import('@aws-sdk/client-secrets-manager');
  const described = await awsFind('read the bridge key secret', () =>
    sm.send(new sdk.DescribeSecretCommand({ SecretId: id })),
  );
  if (!described) return undefined;
  const tags = described.Tags ?? [];
  const ours =
    tags.some((t) => t.Key === 'managed-by' && t.Value === 'okta-m2m') &&
    tags.some((t) => t.Key === 'okta-m2m:function' && t.Value === functionName);
  return { arn: described.ARN ?? id, ours };
}

/** Schedules the key secret's deletion (Secrets Manager keeps it recoverable for 30 days). */
export async function deleteKeySecret(arn: string, secretsManager: () => Promise<SecretsManagerClient>): Promise<void> {
  const sm = await secretsManager();
  const sdk = await import('@aws-sdk/client-secrets-manager');
  await awsFind('delete the bridge key secret', () => sm.send(new sdk.DeleteSecretCommand({ SecretId: arn })));
}

/** The Secrets Manager client of a region, loaded on first use. */
export async function createSecretsManager(region: string): Promise<SecretsManagerClient> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  return new sdk.SecretsManagerClient({ region });
}

/** A plan with a new key pair; `place` says where its private half (the JWK as JSON) goes. */
async function newKeyPlan(
  store: BridgeKeyStore,
  place: (privateJwk: string) => { env: Record<string, string>; secret?: BridgeKeyPlan['secret']; change: string },
): Promise<BridgeKeyPlan> {
  const pair = await newPair();
  const { env, secret, change } = place(JSON.stringify(pair.privateJwk));
  return {
    store,
    kid: pair.kid,
    publicJwk: pair.publicJwk,
    source: 'new',
    env,
    ...(secret ? { secret } : {}),
    changes: [change],
  };
}

async function newPair(): Promise<BridgeKeyPair> {
  const pair = await generateBridgeKeyPair();
  registerPrivateKey(JSON.stringify(pair.privateJwk));
  return pair;
}

/** Registers a private JWK (and its "d") for redaction: no output may show it. */
function registerPrivateKey(value: string): void {
  registerSecret(value);
  try {
    const d = (JSON.parse(value) as { d?: unknown }).d;
    if (typeof d === 'string') registerSecret(d);
  } catch {
    // Not JSON: the whole value is registered.
  }
}

/** The public half and kid of a stored private key, checked to open sealed tokens. */
async function keyOf(privateJwk: string, where: string): Promise<{ kid: string; publicJwk: JWK }> {
  try {
    await sealedTokenOpener(privateJwk);
    return await bridgePublicKey(privateJwk);
  } catch (error) {
    if (error instanceof BridgeTokenError) {
      throw new ConflictError(`${where} is not a bridge key: ${error.message}.`, {
        hint: 'Deploy with --rotate-bridge-key for a new one.',
      });
    }
    throw error;
  }
}
